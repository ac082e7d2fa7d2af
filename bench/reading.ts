/**
 * The closing section of bench/RESULTS.md: what the numbers mean, where the time goes, and, where
 * a target is missed, why and what would close it. Every number comes from this run; the
 * sentences that depend on a result are chosen by it.
 */
import { ColdStartResult } from './cold-start';
import { LocalRunnerResult } from './local-runner';
import { RuntimeOverheadResult } from './runtime-overhead';
import { ms, percent, ratio } from './stats';
import { HAND_WIRED, OURS, OURS_NO_ALARMS } from './synth-apps';
import { SynthProfile } from './synth-profile';
import { fitOf, likeForLike, runOf, SynthScalingResult } from './synth-scaling';

/** Our shell runtime's per-invocation time, at most this fraction of the tutorial's. */
export const RUNTIME_TARGET = 0.5;
/** Synth time, like-for-like, at most this multiple of hand-wired aws-cdk-lib's. */
export const SYNTH_TARGET = 1.2;

export function reading(overhead: RuntimeOverheadResult, cold: ColdStartResult, runner: LocalRunnerResult,
  synth: SynthScalingResult, profiles: SynthProfile[]): string {
  return `## Reading

${readRuntime(overhead)}
${readColdStart(cold)}
${readLocalRunner(runner)}
${readSynth(synth, profiles)}
${readResources(synth)}`;
}

function readRuntime(o: RuntimeOverheadResult): string {
  const w = o.warm;
  const wallRatio = w.ours.median / w.tutorial.median;
  const cpuRatio = w.oursCpuMs / w.tutorialCpuMs;
  const mib = o.large.find((l) => l.bytes >= 1024 * 1024)!;
  const kib = o.large.find((l) => l.bytes < 1024 * 1024)!;
  const loadNote = wallRatio > RUNTIME_TARGET && cpuRatio <= RUNTIME_TARGET
    ? ` In CPU time, which the machine's other work moves far less, ours is ${ratio(cpuRatio)}: the miss is in
the waiting, not the work. Under contention every process a runtime starts waits for a core, and
a fixed delay per invocation weighs more on the shorter loop; rerun on a quiet machine to judge
the target, and check the load average above.`
    : ` In CPU time ours is ${ratio(cpuRatio)}.`;
  const large = mib.tutorial.ok
    ? 'The tutorial\'s runtime answered the 1 MiB event too.'
    : `The tutorial's runtime does not survive a 1 MiB event (${kib.label} works): ${mib.tutorial.what}. Calling the handler
and \`$(...)\` exec nothing, so the event gets through them; the runtime dies when it execs
\`curl -d "$RESPONSE"\` with the response as one argument, which Linux refuses from 128 KiB on
("Argument list too long", status 126), and \`set -e\` ends it there with the invocation unanswered
(Lambda would report the runtime's exit as that invocation's error and start a new environment).`;
  const ours1MiB = mib.ours.ok
    ? `the 1 MiB echo took ${ms(mib.ours.times.median)}`
    : `but the 1 MiB echo failed: ${mib.ours.what}`;
  return `**Runtime.** Ours answers a trivial event in ${ms(w.ours.median)} against the tutorial's ${ms(w.tutorial.median)} (${ratio(wallRatio)};
target ${RUNTIME_TARGET}x: ${wallRatio <= RUNTIME_TARGET ? 'met' : 'missed'}).${loadNote} The time goes to starting processes: a curl process costs
${ms(o.parts.curlRequestMs)} here, ${percent((100 * o.parts.curlRequestMs) / w.ours.median)} of ours, and the tutorial starts two of them and nine other
processes per event. The rest of ours is bash reading headers and status files, the handler's
subshell, and the server's side of the HTTP exchanges. The next step down would be to drop curl
for bash's \`/dev/tcp\` (no process per event, but HTTP parsed in bash); nothing else in the loop
is worth as much.

**Large events.** ${large} Ours posts the response from a file (\`curl -T\`) and hands large events over on
stdin: ${ours1MiB}.
`;
}

function readColdStart(c: ColdStartResult): string {
  const oursFirstToNext = c.ours.toFirstNext.median <= c.tutorial.toFirstNext.median;
  const oursFirstToResponse = c.ours.toFirstResponse.median <= c.tutorial.toFirstResponse.median;
  const init = oursFirstToNext
    ? 'ours gets there first.'
    : 'ours is slower to get there: before its first curl its init removes stale scratch directories, makes its own with `mktemp`, records the shell options before and after sourcing the handler file (to keep the handler\'s options out of the runtime), and removes the records with `rm`, where the tutorial only works out the file name (`echo | cut`) and sources it.';
  const response = oursFirstToResponse && !oursFirstToNext
    ? ', so the cheaper first invocation more than pays for the longer init.'
    : '.';
  return `**Cold start.** To its first long poll ours takes ${ms(c.ours.toFirstNext.median)} and the tutorial's ${ms(c.tutorial.toFirstNext.median)}: ${init}
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
