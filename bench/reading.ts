/**
 * The closing section of bench/RESULTS.md: what the numbers mean, where the time goes, and, where
 * a target is missed, why and what would close it. Every number comes from this run; the
 * sentences that depend on a result are chosen by it.
 */
import { ColdStartResult } from './cold-start';
import { LocalRunnerResult } from './local-runner';
import { RuntimeOverheadResult, SERVERS, WarmResult } from './runtime-overhead';
import { OURS as OURS_RUNTIME, OURS_CURL, RuntimeUnderTest, TUTORIAL_RUNTIME } from './runtimes';
import { ms, percent, ratio } from './stats';
import { HAND_WIRED, OURS, OURS_NO_ALARMS } from './synth-apps';
import { SynthProfile } from './synth-profile';
import { fitOf, likeForLike, runOf, SynthScalingResult } from './synth-scaling';

/** Our shell runtime's per-invocation time (fast path), at most this fraction of the tutorial's, on every server. */
export const RUNTIME_TARGET = 0.25;
/** Our runtime's cold start (to its first long poll), at most this multiple of the tutorial's. */
export const COLD_START_TARGET = 1.0;

/** `runtime`'s median per-invocation time over the tutorial's, in warm result `w`. */
export function warmRatio(w: WarmResult, runtime: RuntimeUnderTest): number {
  const median = (r: RuntimeUnderTest): number => w.runs.find((run) => run.runtime === r.name)!.times.median;
  return median(runtime) / median(TUTORIAL_RUNTIME);
}

/** The fast path's median for the 1 MiB echo on our server over the curl path's (today's); undefined when one failed. */
export function oneMiBRatio(o: RuntimeOverheadResult): number | undefined {
  const mib = o.large.find((l) => l.server === o.warm[0].server && l.bytes === 1024 * 1024)!;
  const [fast, curl] = mib.outcomes;
  return fast.ok && curl.ok ? fast.times.median / curl.times.median : undefined;
}
/** Synth time, like-for-like, at most this multiple of hand-wired aws-cdk-lib's. */
export const SYNTH_TARGET = 1.2;

export function reading(overhead: RuntimeOverheadResult, cold: ColdStartResult, runner: LocalRunnerResult,
  synth: SynthScalingResult, profiles: SynthProfile[]): string {
  return `## Reading

${readRuntimeAndColdStart(overhead, cold)}
${readLocalRunner(runner)}
${readSynth(synth, profiles)}
${readResources(synth)}`;
}

/** The reading of tables 1 and 2. */
export function readRuntimeAndColdStart(o: RuntimeOverheadResult, c: ColdStartResult): string {
  return `${readRuntime(o)}
${readColdStart(c)}`;
}

function readRuntime(o: RuntimeOverheadResult): string {
  const ours = o.warm[0];
  const run = (r: RuntimeUnderTest) => ours.runs.find((x) => x.runtime === r.name)!;
  const fast = run(OURS_RUNTIME);
  const curl = run(OURS_CURL);
  const tutorial = run(TUTORIAL_RUNTIME);
  const misses = o.warm.filter((w) => warmRatio(w, OURS_RUNTIME) > RUNTIME_TARGET);
  const cpuRatio = fast.cpuMs / tutorial.cpuMs;
  const missNote = misses.length === 0 ? `The ${RUNTIME_TARGET}x target is met on every server.`
    : `The ${RUNTIME_TARGET}x target is missed on ${misses.map((w) => `${w.server} (${ratio(warmRatio(w, OURS_RUNTIME))})`).join(', ')}. `
      + misses.map((w) => heldBack(o, w)).join('')
      + 'A miss under load is in the waiting, not the work: compare the CPU columns, '
      + 'which the machine\'s other work moves far less, and the load average above.';
  const mib = o.large.find((l) => l.server === ours.server && l.bytes === 1024 * 1024)!;
  const tutorialMiB = mib.outcomes[2];
  const large = tutorialMiB.ok
    ? 'The tutorial\'s runtime answered the 1 MiB event too.'
    : `The tutorial's runtime does not survive a 1 MiB event: ${tutorialMiB.what}. It dies when it execs
\`curl -d "$RESPONSE"\` with the response as one argument, which Linux refuses from 128 KiB on
("Argument list too long", status 126).`;
  const mibRatio = oneMiBRatio(o);
  return `**Runtime.** On our server the fast path answers a trivial event in ${ms(fast.times.median)}, the curl path in
${ms(curl.times.median)} and the tutorial's runtime in ${ms(tutorial.times.median)}: ${ratio(fast.times.median / tutorial.times.median)} of the tutorial's time
(CPU: ${ratio(cpuRatio)}). ${missNote} The fast path starts no process: what is left is the handler's
forked subshell (${ms(o.parts.subshellMs)} here), bash reading the answers' headers one byte per read(2), and the server's side
of the HTTP exchanges; a curl process costs ${ms(o.parts.curlRequestMs)}, which the curl path pays once and the tutorial's twice.

**Large events.** ${large} A 1 MiB echo: fast path / curl path ${mibRatio === undefined ? 'not measured (one failed)' : ratio(mibRatio)}
(a response too large for one write goes as on the curl path: one curl posts it and fetches the next
event, so at 1 MiB both paths start the same processes and differ by the noise between them).
`;
}

/**
 * For a server that holds its answers back (`answersAtOnce`): how long, measured against the same server
 * answering at once, and where a runtime that took no time at all would be against the tutorial's.
 */
function heldBack(o: RuntimeOverheadResult, w: WarmResult): string {
  const server = SERVERS.find((s) => s.name === w.server);
  const atOnce = o.warm.find((x) => x.server === server?.answersAtOnce);
  if (!atOnce) {
    return '';
  }
  const median = (x: WarmResult, r: RuntimeUnderTest) => x.runs.find((run) => run.runtime === r.name)!.times.median;
  const held = median(w, OURS_RUNTIME) - median(atOnce, OURS_RUNTIME);
  const cpu = (x: WarmResult, r: RuntimeUnderTest) => x.runs.find((run) => run.runtime === r.name)!.cpuMs;
  return `${w.server} holds each answer back while its headers leave in pieces, two answers per invocation: against the same server
answering at once (${atOnce.server}) that adds ${ms(held)} to the fast path's median, time no runtime can save, so a
runtime that took no time at all would be at ${ratio(held / median(w, TUTORIAL_RUNTIME))} there; the fast path's own CPU is ${ratio(cpu(w, OURS_RUNTIME) / cpu(w, TUTORIAL_RUNTIME))}
of the tutorial's. Nothing in the runtime closes that; only a server with shorter gaps would. `;
}

function readColdStart(c: ColdStartResult): string {
  const oursFirstToNext = c.ours.toFirstNext.median <= c.tutorial.toFirstNext.median;
  const oursFirstToResponse = c.ours.toFirstResponse.median <= c.tutorial.toFirstResponse.median;
  const init = oursFirstToNext
    ? 'ours gets there first.'
    : 'ours is slower to get there: before its first request its init removes stale scratch directories, makes its own with `mktemp`, records the shell options before and after sourcing the handler file (to keep the handler\'s options out of the runtime), and removes the records with `rm`, where the tutorial only works out the file name (`echo | cut`) and sources it.';
  const response = oursFirstToResponse && !oursFirstToNext
    ? ', so the cheaper first invocation more than pays for the longer init.'
    : '.';
  return `**Cold start.** To its first long poll ours (fast path) takes ${ms(c.ours.toFirstNext.median)}, on its curl path ${ms(c.oursCurl.toFirstNext.median)}, and the tutorial's ${ms(c.tutorial.toFirstNext.median)}: ${init}
To the first response: ${ms(c.ours.toFirstResponse.median)} against ${ms(c.tutorial.toFirstResponse.median)}${response}
`;
}

function readLocalRunner(l: LocalRunnerResult): string {
  const concurrency = l.concurrentPerSecond > l.sequentialPerSecond * 1.1
    ? `More clients get more (${l.concurrentPerSecond.toFixed(0)}/s with ${l.concurrentClients}): they ran in ${l.runtimeProcesses} environments.`
    : `More clients get no more (${l.concurrentPerSecond.toFixed(0)}/s with ${l.concurrentClients}) although they ran in ${l.runtimeProcesses} environments: the
machine's cores, not the runner, are the limit.`;
  return `**Local runner.** Through \`serve\` an invocation takes ${ms(l.serve.median)} against ${ms(l.bare.median)} for the bare loop: the
HTTP hop, the runner's checks and its own Runtime API server add ${ms(l.serve.median - l.bare.median)} at the median, small next to
the runtime's curl. One client gets ${l.sequentialPerSecond.toFixed(0)} invocations/s. ${concurrency}
`;
}

function readSynth(s: SynthScalingResult, profiles: SynthProfile[]): string {
  const big = s.scenarios.find((x) => x.scenario.functions === 45) ?? s.scenarios[s.scenarios.length - 1];
  const lfl = likeForLike(big);
  const withAlarms = runOf(big, OURS);
  const hand = runOf(big, HAND_WIRED);
  const oursProfile = profiles[0];
  const inside = (prefix: string): string => percent(oursProfile.inside.find((a) => a.name.startsWith(prefix))?.percent ?? 0);
  const core = oursProfile.byArea.find((a) => a.name.startsWith('aws-cdk-lib core'));
  const sourceMap = oursProfile.byArea.find((a) => a.name.includes('source-map-support'));
  const sourceMaps = sourceMap ? ` (source-map-support's ${percent(sourceMap.percent)} is ts-node's: it maps every captured stack
trace, as it does in any TypeScript CDK app run with ts-node.)` : '';
  return `**Synth.** Like-for-like at ${big.scenario.functions} functions, ours takes ${ms(lfl.ours.timing.totalMs)} against ${ms(lfl.hand.timing.totalMs)}
(${ratio(lfl.ratio)}; target ${SYNTH_TARGET}x). With its default alarms it takes ${ms(withAlarms.timing.totalMs)} (${ratio(withAlarms.timing.totalMs / hand.timing.totalMs)}):
synth time follows the number of resources (${withAlarms.shape.resourcesPerFunction} against ${hand.shape.resourcesPerFunction} per function), and template size
grows faster still (${ratio(withAlarms.shape.templateBytes / hand.shape.templateBytes)}; each alarm carries its metric definitions, and ours writes cdk-nag
acknowledgements into resource metadata). In the profile of ours, aws-cdk-lib's core holds ${percent(core?.percent ?? 0)} of the self time; token
resolution takes ${inside('token')} of the total, creation stack traces ${inside('creation')}, and asset
fingerprinting and staging ${inside('asset')}: the runtime layer is one asset per app, hashed once whatever
the number of functions and stacks, so assets do not grow with the app. What ours adds is the
cost of building and resolving more resources, in both phases.${sourceMaps}
`;
}

function readResources(s: SynthScalingResult): string {
  const oneFn = s.scenarios[0];
  const oursPerFn = runOf(oneFn, OURS_NO_ALARMS).shape.resourcesPerFunction;
  const handPerFn = runOf(oneFn, HAND_WIRED).shape.resourcesPerFunction;
  const fitOurs = fitOf(s.fit, 'ours, alarms off +');
  const fitHand = fitOf(s.fit, 'hand-wired +');
  const fitAlarms = fitOf(s.fit, 'ours, alarms on');
  const verdictText = oursPerFn <= handPerFn
    ? `Like-for-like, ours has ${oursPerFn} resources per function and hand-wired ${handPerFn}: target met.`
    : `Like-for-like, ours has ${oursPerFn} resources per function against hand-wired's ${handPerFn}: target missed by
${oursPerFn - handPerFn}; compare the resource types of the two 1-function templates to see which one ours adds.
At ${handPerFn} per function, ${fitHand.computed} fully featured functions would fit in a stack instead of ${fitOurs.computed}.`;
  return `**Resources.** ${verdictText} With its default alarms a
function has ${runOf(oneFn, OURS).shape.resourcesPerFunction} resources and a stack holds ${fitAlarms.computed} of them, so 45 with alarms do not fit in one stack
(table 4 times them with the limit check off), and 200 of them need at least ${Math.ceil(200 / fitAlarms.computed)} stacks.
`;
}
