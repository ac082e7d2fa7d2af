/**
 * The benchmarks: `npm run bench` (`npx projen bench`) compiles the library with jsii, then runs
 * this file, which measures the four tables one after the other and writes bench/RESULTS.md.
 *
 *   1. runtime overhead  bench/runtime-overhead.ts  (the two runtimes: bench/runtimes.ts)
 *   2. cold start        bench/cold-start.ts
 *   3. local runner      bench/local-runner.ts   (3b. scale-out, one environment vs four: bench/scale-out.ts;
 *                        3c. response streaming: bench/response-stream.ts)
 *   4. synth scaling     bench/synth-scaling.ts     (the apps: synth-apps.ts; profile: synth-profile.ts)
 *   RESULTS.md           bench/report.ts            (the closing reading: bench/reading.ts)
 *
 * Scratch files go to bench/.work/ (gitignored) and the OS temp dir, and are removed at the end;
 * every runtime process has a private TMPDIR (under serve: its own /tmp) and is stopped with SIGTERM.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureColdStart } from './cold-start';
import { measureLocalRunner } from './local-runner';
import { describeMachine, launchedAt } from './machine';
import { readRuntimeAndColdStart } from './reading';
import { coldStart as renderColdStart, renderReport, runtimeOverhead as renderRuntimeOverhead, runtimeTargetRows } from './report';
import { measureResponseStream, renderResponseStream, RESPONSE_STREAM_HEADING } from './response-stream';
import { measureRuntimeOverhead } from './runtime-overhead';
import { measureScaleOut } from './scale-out';
import { HAND_WIRED, OURS } from './synth-apps';
import { profileSynth } from './synth-profile';
import { measureSynthScaling } from './synth-scaling';

const RESULTS = path.join(__dirname, 'RESULTS.md');
const WORK_ROOT = path.join(__dirname, '.work');
/** Functions in the profiled synths: the largest single-stack scenario. */
const PROFILED_FUNCTIONS = 45;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** `text` with what runs from marker `from` up to marker `to` (not included) replaced. */
function between(text: string, from: string, to: string, replacement: string): string {
  const start = text.indexOf(from);
  const end = text.indexOf(to, start);
  if (start < 0 || end < 0) {
    throw new Error(`${RESULTS} has no "${from}" followed by "${to}": run the full bench once (npm run bench)`);
  }
  return text.slice(0, start) + replacement + text.slice(end);
}

/**
 * `--runtime`: measures tables 1 and 2 only, and puts them, their rows of the Targets table and their
 * reading into the RESULTS.md there is; the other tables keep the numbers of their last full run.
 */
async function runtimeOnly(): Promise<void> {
  log('1/2 runtime overhead (ours, both paths, vs the tutorial\'s bootstrap)');
  const overhead = await measureRuntimeOverhead(log);
  log('2/2 cold start');
  const cold = await measureColdStart(log);
  // (the note of the last such run goes: this one replaces it)
  const old = fs.readFileSync(RESULTS, 'utf8').replace(/^Tables 1 and 2 \(and their lines in Targets and Reading\) were measured on their own .*\n\n/m, '');
  const note = `Tables 1 and 2 (and their lines in Targets and Reading) were measured on their own on ${new Date().toISOString()} `
    + `with \`bench/run.ts --runtime\`, load average ${os.loadavg()[0].toFixed(2)} at the end; the other tables are from the full run described above.\n\n`;
  let text = between(old, '## 1. ', '## 3. ', `${note}${renderRuntimeOverhead(overhead)}\n${renderColdStart(cold)}\n`);
  const rows = runtimeTargetRows(overhead, cold).map((cells) => `| ${cells.join(' | ')} |\n`).join('');
  text = between(text, '| Shell runtime', '| Synth time', rows);
  text = between(text, '**Runtime.**', '**Local runner.**', `${readRuntimeAndColdStart(overhead, cold)}\n`);
  fs.writeFileSync(RESULTS, text);
  log(`updated tables 1 and 2 of ${path.relative(process.cwd(), RESULTS)}`);
}

/**
 * `--streaming`: measures table 3c only and puts it into the RESULTS.md there is; the other tables keep the
 * numbers of their last full run.
 */
async function streamingOnly(): Promise<void> {
  log('3c response streaming');
  const section = renderResponseStream(await measureResponseStream(log));
  const note = `Table 3c was measured on its own on ${new Date().toISOString()} with \`bench/run.ts --streaming\`, `
    + `load average ${os.loadavg()[0].toFixed(2)} at the end.\n\n`;
  const old = fs.readFileSync(RESULTS, 'utf8');
  fs.writeFileSync(RESULTS, between(old, RESPONSE_STREAM_HEADING, '\n## ', section.replace('\n\n', `\n\n${note}`)));
  log(`updated table 3c of ${path.relative(process.cwd(), RESULTS)}`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--runtime')) {
    return runtimeOnly();
  }
  if (process.argv.includes('--streaming')) {
    return streamingOnly();
  }
  const launched = launchedAt();
  const machine = describeMachine();
  const startedAt = new Date();
  const measureStarted = process.hrtime.bigint();
  fs.mkdirSync(WORK_ROOT, { recursive: true });
  const workDir = fs.mkdtempSync(path.join(WORK_ROOT, 'run-'));
  try {
    log('1/4 runtime overhead (ours vs the tutorial\'s bootstrap)');
    const overhead = await measureRuntimeOverhead(log);
    log('2/4 cold start');
    const coldStart = await measureColdStart(log);
    log('3/4 local runner (serve vs the bare runtime loop)');
    const localRunner = await measureLocalRunner(log);
    log('3b/4 local runner scale-out (one environment vs four)');
    const scaleOut = await measureScaleOut(log);
    log('3c/4 local runner response streaming (streaming vs buffered)');
    const responseStream = await measureResponseStream(log);
    log('4/4 synth scaling');
    const synth = measureSynthScaling(workDir, log);
    const profiles = [
      await profileSynth(workDir, OURS, PROFILED_FUNCTIONS),
      await profileSynth(workDir, HAND_WIRED, PROFILED_FUNCTIONS),
    ];
    const measureSeconds = Number(process.hrtime.bigint() - measureStarted) / 1e9;
    const report = renderReport({
      machine,
      startedAt,
      wallSeconds: (Date.now() - launched.epochMs) / 1000,
      launchedBy: launched.command,
      measureSeconds,
      loadAtEnd: os.loadavg()[0],
      overhead,
      coldStart,
      localRunner,
      scaleOut,
      responseStream,
      synth,
      profiles,
    });
    fs.writeFileSync(RESULTS, report);
    log(`wrote ${path.relative(process.cwd(), RESULTS)} (${((Date.now() - launched.epochMs) / 1000).toFixed(0)} s since \`${launched.command}\` started)`);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exitCode = 1;
});
