/**
 * Renders bench/RESULTS.md from the measurements: machine, targets and one section per table,
 * then the reading of the numbers (bench/reading.ts). Every number comes from this run.
 */
import { ColdStartResult, ColdStartSide } from './cold-start';
import { LocalRunnerResult } from './local-runner';
import { Machine } from './machine';
import { COLD_START_TARGET, oneMiBRatio, reading, RUNTIME_TARGET, SYNTH_TARGET, warmRatio } from './reading';
import { renderResponseStream, ResponseStreamResult } from './response-stream';
import { LargeOutcome, RUNTIMES, RuntimeOverheadResult, WarmResult } from './runtime-overhead';
import { OURS as OURS_RUNTIME, OURS_CURL, TUTORIAL_RUNTIME } from './runtimes';
import { renderScaleOut, ScaleOutResult } from './scale-out';
import { bytes, count, ms, percent, ratio, Summary } from './stats';
import { HAND_WIRED, OURS, OURS_NO_ALARMS, Variant } from './synth-apps';
import { SynthProfile } from './synth-profile';
import { FitResult, likeForLike, runOf, STACK_RESOURCE_LIMIT, SynthScalingResult } from './synth-scaling';

export interface BenchResults {
  readonly machine: Machine;
  readonly startedAt: Date;
  /** Seconds from the launching command's start (`npx projen bench`, jsii compile included) to the end. */
  readonly wallSeconds: number;
  readonly launchedBy: string;
  /** Seconds of bench/run.ts's measurements alone. */
  readonly measureSeconds: number;
  readonly loadAtEnd: number;
  readonly overhead: RuntimeOverheadResult;
  readonly coldStart: ColdStartResult;
  readonly localRunner: LocalRunnerResult;
  readonly scaleOut: ScaleOutResult;
  readonly responseStream: ResponseStreamResult;
  readonly synth: SynthScalingResult;
  readonly profiles: SynthProfile[];
}

export function renderReport(r: BenchResults): string {
  return [
    header(r),
    targets(r),
    runtimeOverhead(r.overhead),
    coldStart(r.coldStart),
    localRunner(r.localRunner),
    renderScaleOut(r.scaleOut, r.machine.cores),
    renderResponseStream(r.responseStream),
    synthScaling(r.synth),
    synthProfiles(r.profiles),
    reading(r.overhead, r.coldStart, r.localRunner, r.synth, r.profiles),
  ].join('\n');
}

function table(head: string[], rows: string[][]): string {
  return [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n') + '\n';
}

function verdict(met: boolean): string {
  return met ? '**met**' : '**missed**';
}

function header(r: BenchResults): string {
  const m = r.machine;
  const minutes = Math.floor(r.wallSeconds / 60);
  const machine = table(['', ''], [
    ['CPU', `${m.cpuModel}, ${m.cores} cores`],
    ['Memory', `${m.memoryGb.toFixed(1)} GiB`],
    ['Kernel', m.kernel],
    ['Node.js', m.node],
    ['bash', m.bash],
    ['curl', m.curl],
    ['aws-cdk-lib', m.awsCdkLib],
    ['Commit', `${m.commit} (with whatever else was in the working tree)`],
    ['Load average (1 min), start / end', `${m.loadAtStart.toFixed(2)} / ${r.loadAtEnd.toFixed(2)}`],
  ]);
  return `# Benchmarks

Written by \`npm run bench\` (\`npx projen bench\`: jsii compile, then \`bench/run.ts\`). Do not edit by hand.

- **Date**: ${r.startedAt.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}
- **Wall time**: **${minutes} min ${Math.round(r.wallSeconds - minutes * 60)} s** from the start of \`${r.launchedBy}\` to this
  file, jsii compile and ts-node start-up included (the measurements alone: ${Math.round(r.measureSeconds)} s). Budget: under 10 minutes.

## Machine

${machine}
The machine is shared with other work: absolute times move with its load (see the load average).
Every comparison is a ratio of samples taken in the same process and interleaved (ABBA rounds, or
a rotating order for synth), so that both sides see the same conditions; the runtime table also
gives CPU time, which load moves much less than wall time.
`;
}

function targets(r: BenchResults): string {
  const synthRatios = r.synth.scenarios.map((s) => ({ label: s.scenario.label, ...likeForLike(s) }));
  const synthMisses = synthRatios.filter((s) => s.ratio > SYNTH_TARGET);
  const oneFn = r.synth.scenarios[0];
  const oursPerFn = runOf(oneFn, OURS_NO_ALARMS).shape.resourcesPerFunction;
  const handPerFn = runOf(oneFn, HAND_WIRED).shape.resourcesPerFunction;
  const rows = table(['Target', 'Measured', 'Verdict'], [
    ...runtimeTargetRows(r.overhead, r.coldStart),
    [
      `Synth time at most ${SYNTH_TARGET}x hand-wired, like-for-like (ours with \`alarms: { enabled: false }\`)`,
      synthRatios.map((s) => `${s.label}: **${ratio(s.ratio)}**`).join('; '),
      synthMisses.length === 0 ? verdict(true) : `${verdict(false)} at ${synthMisses.map((s) => s.label).join(', ')}`,
    ],
    [
      'Resources per function no more than hand-wired, like-for-like',
      `${oursPerFn} vs ${handPerFn}`,
      verdict(oursPerFn <= handPerFn),
    ],
  ]);
  return `## Targets

${rows}
Like-for-like means ours with its alarms turned off: the hand-wired app has no alarms, and ours
creates five CloudWatch alarms per function by default. Ours with alarms is in table 4 as well.
`;
}

/** The runtime's rows of the Targets table. */
export function runtimeTargetRows(o: RuntimeOverheadResult, c: ColdStartResult): string[][] {
  const runtimeRatios = o.warm.map((w) => ({ server: w.server, ratio: warmRatio(w, OURS_RUNTIME) }));
  const runtimeMisses = runtimeRatios.filter((x) => x.ratio > RUNTIME_TARGET);
  const mib = oneMiBRatio(o);
  const cold = c.ours.toFirstNext.median / c.tutorial.toFirstNext.median;
  return [
    [
      `Shell runtime (fast path) at most ${RUNTIME_TARGET}x the tutorial's per-invocation time (median, trivial handler), on every server`,
      runtimeRatios.map((x) => `${x.server}: **${ratio(x.ratio)}**`).join('; '),
      runtimeMisses.length === 0 ? verdict(true) : `${verdict(false)} on ${runtimeMisses.map((x) => x.server).join(', ')}`,
    ],
    [
      'A 1 MiB event no slower than today (the curl path), median, our server',
      mib === undefined ? 'a 1 MiB echo failed' : `fast path / curl path: **${ratio(mib)}**`,
      verdict(mib !== undefined && mib <= 1),
    ],
    [
      `Cold start (to the first GET /next) at most ${COLD_START_TARGET}x the tutorial's`,
      `${ms(c.ours.toFirstNext.median)} vs ${ms(c.tutorial.toFirstNext.median)}: **${ratio(cold)}**`,
      verdict(cold <= COLD_START_TARGET),
    ],
  ];
}

function summaryRow(name: string, s: Summary, extra: string[] = []): string[] {
  return [name, ms(s.median), ms(s.p90), ms(s.p99), ms(s.min), ...extra, count(s.count)];
}

function warmTable(w: WarmResult): string {
  const tutorial = w.runs.find((run) => run.runtime === TUTORIAL_RUNTIME.name)!;
  return table(['Runtime', 'Median', 'p90', 'p99', 'Min', 'CPU per invocation', '/ tutorial (median)', 'Invocations'],
    w.runs.map((run) => summaryRow(run.runtime, run.times, [ms(run.cpuMs), ratio(run.times.median / tutorial.times.median)])));
}

export function runtimeOverhead(o: RuntimeOverheadResult): string {
  const [ours, ...others] = o.warm;
  const large = table(['Server', 'Event', ...RUNTIMES.map((r) => r.name)],
    o.large.map((l) => [l.server, `${l.label} (${count(l.bytes)} bytes)`, ...l.outcomes.map(largeCell)]));
  const parts = table(['Piece', 'Cost each'], [
    ['one `curl` process making one request to a loopback HTTP server', ms(o.parts.curlRequestMs)],
    ['one fork and exec of a tiny program (`/bin/true`)', ms(o.parts.execMs)],
    ['one forked subshell (`( : )`)', ms(o.parts.subshellMs)],
    ['1 KiB read from a socket with `read -d \'\' -n` (one read(2) per byte)', ms(o.parts.readPerByteKiBMs)],
    ['1 KiB copied from a socket by one `dd` process', ms(o.parts.ddKiBMs)],
  ]);
  const processes = o.processes.length === 0 ? 'strace is not installed: not counted.\n'
    : table(['Runtime', 'Processes started', 'Programs exec\'d', 'Writes on TCP connections'],
      o.processes.map((p) => [p.runtime, String(p.processes), String(p.execs), String(p.requestWrites)]));
  return `## 1. Runtime overhead: ours (both paths) against the tutorial's bootstrap

Same handler (\`${ours.handler}\` of test/fixtures/runtime: \`echo ok\`); each runtime process gets a fresh
server of the kind; ${ours.perRound} warm invocations per runtime per round, the three runtimes rotated
and reversed round by round; each round starts the runtime and answers one event unmeasured (init).
Time per invocation: from the server's \`invoke()\` to the posted response, one invocation after the
other. CPU: user + system time of the runtime's process and the processes it started and reaped,
read from /proc around each round, per invocation. Ours runs on its fast path (one keep-alive
\`/dev/tcp\` connection) and on its curl path (\`LAMBDA_RUNTIME_TRANSPORT=curl\`, the runtime as it was
before the fast path).

### On our server: ${ours.server}, ${ours.rounds} rounds

${warmTable(ours)}
Round by round, fast path / tutorial (median / median): ${ours.roundRatios.map(ratio).join(', ')}.

${others.map((w) => `### On ${w.server}, ${w.rounds} rounds (test/runtime/net-runtime-api.ts)

${warmTable(w)}
Round by round, fast path / tutorial: ${w.roundRatios.map(ratio).join(', ')}.
`).join('\n')}
Where the server closes the connection after every answer (\`Connection: close\`), the fast path opens a
new one for each request (one connect, no process: runtime/shell/README.md).

### Events from 1 KiB to 6 MB (echo handlers)

${large}
At 64 KiB and below every runtime runs the same handler (\`echo_argument\`: \`printf '%s' "$1"\`). Above
64 KiB ours passes the event on stdin only (\`echo_event\`: \`cat\`), while the tutorial's only contract
is \`$1\`, so it keeps \`echo_argument\`. Times: median of ${o.large[0]?.outcomes[0]?.ok ? o.large[0].outcomes[0].times.count : 'the'} invocations; CPU per invocation in
parentheses. On the fast path an event over 2 KiB takes one \`dd\`, a response that does not fit
one write (about 3.9 KiB) one curl.

### What the pieces cost on this machine

${parts}
### Processes per invocation (strace, trivial handler, 20 invocations)

${processes}
The fast path's one process is the subshell that runs the handler (kept, for isolation); it execs
nothing, and writes each request in one write(2) (a second small write would wait for the server's
delayed ACK: bash cannot set TCP_NODELAY). \`test/runtime/processes.test.ts\` asserts these counts.
`;
}

function largeCell(outcome: LargeOutcome): string {
  if (!outcome.ok) {
    return `**fails** (\`${outcome.handler}\`): ${outcome.what.replace(/\|/g, '\\|')}`;
  }
  const same = outcome.identical ? 'identical to the event' : '**differs from the event**';
  return `${ms(outcome.times.median)} (CPU ${ms(outcome.cpuMs)}; \`${outcome.handler}\`, response ${same})`;
}

export function coldStart(c: ColdStartResult): string {
  const row = (name: string, side: ColdStartSide): string[] => [name,
    ms(side.toFirstNext.median), ms(side.toFirstNext.p90), ms(side.toFirstNext.min),
    ms(side.toFirstResponse.median), ms(side.toFirstResponse.p90)];
  const starts = table(['Runtime', 'To first GET /next: median', 'p90', 'min', 'To first response: median', 'p90'], [
    row(OURS_RUNTIME.name, c.ours),
    row(OURS_CURL.name, c.oursCurl),
    row(TUTORIAL_RUNTIME.name, c.tutorial),
  ]);
  return `## 2. Cold start

${c.starts} starts of each runtime, alternating, after two unmeasured starts each; handler \`${c.handler}\`. Each
start gets a fresh RuntimeApiServer, and an event is queued as soon as the process is spawned. The
first \`GET /next\` is timed when the server's HTTP layer dispatches it (Node's
\`http.server.request.start\` diagnostics channel), from just before \`spawn()\`.

${starts}
Ours (fast path) / tutorial: ${ratio(c.ours.toFirstNext.median / c.tutorial.toFirstNext.median)} to the first long poll,
${ratio(c.ours.toFirstResponse.median / c.tutorial.toFirstResponse.median)} to the first response.
`;
}

function localRunner(l: LocalRunnerResult): string {
  const paths = table(['Path', 'Median', 'p90', 'p99', 'Min', 'Invocations'], [
    summaryRow('through `serve`: Invoke API -> runner -> Runtime API -> bootstrap', l.serve),
    summaryRow('bare runtime loop: RuntimeApiServer.invoke -> bootstrap', l.bare),
  ]);
  return `## 3. Local runner

A \`CustomRuntimeFunction\` (handler \`${l.handler}\` on the shell runtime layer), synthesized into a cloud
assembly and served by a real \`cdk-custom-runtime serve\` process, invoked through its alias \`live\` over
HTTP on one keep-alive connection; against the bare runtime loop, \`RuntimeApiServer.invoke()\`
straight to the same bootstrap and handler. ${l.rounds} rounds of ${l.perRound} invocations each, ABBA order, both
warm (their first invocation is not measured).

${paths}
\`serve\` adds ${ms(l.serve.median - l.bare.median)} per invocation at the median (${ratio(l.serve.median / l.bare.median)}), ${ms(l.serve.p99 - l.bare.p99)} at p99.

Throughput through \`serve\`: **${l.sequentialPerSecond.toFixed(0)} invocations/s** for one client (one invocation after the
other), **${l.concurrentPerSecond.toFixed(0)}/s** for ${l.concurrentClients} clients at once. Runtime processes under \`serve\` at the end:
${l.runtimeProcesses} (one environment per invocation in flight at once, as Lambda scales out).

Each environment has a /tmp of its own, removed when it stops; stopping \`serve\` stops its runtimes with SIGTERM.
`;
}

function synthScaling(s: SynthScalingResult): string {
  const rows: string[][] = [];
  for (const scenario of s.scenarios) {
    const hand = runOf(scenario, HAND_WIRED);
    for (const run of scenario.runs) {
      const t = run.timing;
      const shape = run.shape;
      const over = shape.largestStack > STACK_RESOURCE_LIMIT ? ' **over 500: cannot deploy**' : '';
      rows.push([
        scenario.scenario.label,
        run.variant.label,
        `${ms(t.totalMs)} (${ms(t.constructMs)} + ${ms(t.synthMs)})`,
        run === hand ? '1.00x' : `**${ratio(t.totalMs / hand.timing.totalMs)}**`,
        `${bytes(shape.templateBytes)} (${ratio(shape.templateBytes / hand.shape.templateBytes)})`,
        `${count(shape.resources)} (${shape.resourcesPerFunction} per function)`,
        `${shape.largestStack}${over}`,
        `${shape.assets}: runtime layer ${shape.layerAssets} (for ${shape.layerVersions} LayerVersion${shape.layerVersions > 1 ? 's' : ''})`,
      ]);
    }
  }
  const scaling = table(['Functions', 'Variant', 'Synth time (construct + synth)', 'vs hand-wired', 'Template bytes (vs hand-wired)',
    'Resources', 'Largest stack', 'Assets by hash'], rows);

  const oneFn = s.scenarios[0];
  const typesRow = (variant: Variant): string[] => {
    const shape = runOf(oneFn, variant).shape;
    const types = Object.entries(shape.functionResourceTypes).map(([type, n]) => `${type.replace(/^AWS::/, '')}${n > 1 ? ` x${n}` : ''}`);
    return [variant.label, String(shape.resourcesPerFunction), types.join(', ')];
  };
  const composition = table(['Variant', 'Per function', 'Resource types'], [typesRow(OURS), typesRow(OURS_NO_ALARMS), typesRow(HAND_WIRED)]);

  return `## 4. Synth scaling

Fully featured functions (bench/synth-apps.ts): the function (provided.al2023, 256 MB, 30 s, X-Ray
active), its version (retained) and alias \`live\` with \`retryAttempts\` and \`maxEventAge\` (hence an
EventInvokeConfig on the alias), an SQS dead-letter queue (SSE-SQS, TLS only, 14 days) with its
queue policy, a log group (one month, retained), a role without managed policies whose log
permissions are scoped to that log group, one invoke permission on the alias, and one shell
runtime layer per stack from runtime/shell. Ours is the compiled library (lib/), as users load it.
The app gets the context \`cdk synth\` gives by default (path and asset metadata, version reporting:
one \`AWS::CDK::Metadata\` per stack).

Synth time: median of ${s.scenarios.map((x) => x.scenario.runs).join(', ')} runs per row, in this process, the three variants in rotating
order after one unmeasured warm-up synth each, the asset hash cache cleared before every run (as in a
fresh \`cdk synth\`). Shown as the total, then its parts: creating the constructs (assets are
fingerprinted and staged here) + \`app.synth()\` (prepare, validate, resolve, write). Template bytes:
all the assembly's templates together.

${scaling}
aws-cdk-lib refuses a stack of more than ${STACK_RESOURCE_LIMIT} resources at synth; rows marked "over 500" were timed
with that check off (\`@aws-cdk/core:stackResourceLimit: 0\`). "Assets by hash" counts distinct file
assets over all the assembly's asset manifests (stack templates left out): the handler code and
the runtime layer, which stays one asset however many functions and stacks use it.

### What one function is made of

${composition}
Shared per stack, outside the functions: ${runOf(oneFn, HAND_WIRED).shape.sharedPerStack} resources (the runtime's \`AWS::Lambda::LayerVersion\` and
\`AWS::CDK::Metadata\`), in every variant.

${fitSection(s.fit)}`;
}

/** The "How many fit in one stack" section, which `bench/fit.ts` can also rewrite alone in RESULTS.md. */
export function fitSection(fitResults: FitResult[]): string {
  const fit = table(['Functions of this kind', 'Per function', 'Shared per stack', 'Most in one stack', 'aws-cdk-lib agrees'],
    fitResults.map((f) => [f.label, String(f.perFunction), String(f.sharedPerStack), `**${f.computed}**`,
      `${f.computed} synthesize: ${f.fits ? 'yes' : '**no**'}; ${f.computed + 1} refused: ${f.nextRefused ? 'yes' : '**no**'}`]));
  return `${FIT_HEADING}

${fit}
Most in one stack = floor((${STACK_RESOURCE_LIMIT} - shared) / per function), and aws-cdk-lib's own limit check (or
CustomRuntimeFunction's, which runs first) must accept that many and refuse one more. Hand-wired foundation defaults are
9 resources (LogGroup, Role, DefaultPolicy, Queue, QueuePolicy, Function, Version, Alias,
EventInvokeConfig), 55 fit; with one invoke permission 10, 49 fit (counting the layer and
CDKMetadata too; without them the counts are the same). Ours by default (code and handler only) is 10:
LogGroup, Role (its log and dead-letter permissions inline, so no DefaultPolicy), Queue, QueuePolicy, Function,
Version, Alias and 3 alarms (error rate, throttles and duration share one metric-math alarm; lost asynchronous
events; dead-letter backlog). "Fully featured" adds the alias's EventInvokeConfig and one invoke permission.
`;
}

export const FIT_HEADING = `### How many fit in one stack (CloudFormation: ${STACK_RESOURCE_LIMIT} resources)`;

function synthProfiles(profiles: SynthProfile[]): string {
  return `### Where synth time goes (CPU profile)

A V8 CPU profile (node:inspector) of ${profiles[0]?.runs} synths of each app below; only samples taken inside the
synth are counted (and the garbage collector's). "Self time" is where the CPU was; "total time
inside" includes what a function called.

${profiles.map(profileTables).join('\n')}`;
}

function profileTables(p: SynthProfile): string {
  const top = p.byArea.slice(0, 6);
  const rest = p.byArea.slice(6);
  const self = table(['Self time in', 'Per synth', 'Share'], [
    ...top.map((a) => [a.name, ms(a.ms), percent(a.percent)]),
    ['everything else', ms(rest.reduce((sum, a) => sum + a.ms, 0)), percent(rest.reduce((sum, a) => sum + a.percent, 0))],
  ]);
  const inside = table(['Total time inside', 'Per synth', 'Share'], p.inside.map((a) => [a.name, ms(a.ms), percent(a.percent)]));
  return `${p.label}: ${ms(p.totalMs)} per synth under the profiler.

${self}
${inside}`;
}

