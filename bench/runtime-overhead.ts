/**
 * Table 1, runtime overhead: warm per-invocation time of our shell runtime against the seed
 * tutorial's bootstrap, same handler, same RuntimeApiServer, interleaved in rounds (the approach of
 * test/runtime/speed.test.ts, with more invocations); then large events; then what the pieces a
 * runtime is made of (a curl request, a forked subshell, an exec'd program) cost on this machine.
 */
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { cpuMs, OURS, orderFor, RuntimeUnderTest, startRuntime, TUTORIAL_RUNTIME } from './runtimes';
import { msSince, summarize, Summary } from './stats';
import { REPO_ROOT, RuntimeHarness } from '../test/runtime/harness';

const ROUNDS = 10;
const PER_ROUND = 50;
const LARGE_INVOCATIONS = 10;

export interface WarmResult {
  readonly rounds: number;
  readonly perRound: number;
  readonly handler: string;
  readonly ours: Summary;
  readonly tutorial: Summary;
  /** CPU time per invocation of the runtime's process tree (its shell and what it started), in ms. */
  readonly oursCpuMs: number;
  readonly tutorialCpuMs: number;
  /** Per-round medians, ours / tutorial, to show the spread between rounds. */
  readonly roundRatios: number[];
}

export type LargeOutcome =
  | { readonly ok: true; readonly handler: string; readonly times: Summary; readonly identical: boolean }
  | { readonly ok: false; readonly handler: string; readonly what: string };

export interface LargeEventResult {
  readonly label: string;
  readonly bytes: number;
  readonly ours: LargeOutcome;
  readonly tutorial: LargeOutcome;
}

export interface PartCosts {
  /** One `curl` process making one request to a loopback HTTP server. */
  readonly curlRequestMs: number;
  /** One forked subshell, `( : )`. */
  readonly subshellMs: number;
  /** One fork and exec of a tiny program, `/bin/true`. */
  readonly execMs: number;
}

export interface RuntimeOverheadResult {
  readonly warm: WarmResult;
  readonly large: LargeEventResult[];
  readonly parts: PartCosts;
}

export async function measureRuntimeOverhead(log: (line: string) => void): Promise<RuntimeOverheadResult> {
  const warm = await measureWarm('echo.trivial', log);
  const large = [
    // Same handler for both: at 64 KiB our runtime also passes the event as "$1".
    await measureLarge('64 KiB', 64 * 1024, 'echo.echo_argument', 'echo.echo_argument', log),
    // Our runtime passes events over 64 KiB on stdin only; the tutorial's contract is "$1" only.
    await measureLarge('1 MiB', 1024 * 1024, 'echo.echo_event', 'echo.echo_argument', log),
  ];
  const parts = await measureParts();
  return { warm, large, parts };
}

async function measureWarm(handler: string, log: (line: string) => void): Promise<WarmResult> {
  const times = new Map<RuntimeUnderTest, number[]>([[OURS, []], [TUTORIAL_RUNTIME, []]]);
  const cpu = new Map<RuntimeUnderTest, number>([[OURS, 0], [TUTORIAL_RUNTIME, 0]]);
  const roundRatios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const medians = new Map<RuntimeUnderTest, number>();
    for (const runtime of orderFor(round, [OURS, TUTORIAL_RUNTIME])) {
      const batch = await timeInvocations(runtime, handler, PER_ROUND);
      times.get(runtime)!.push(...batch.times);
      cpu.set(runtime, cpu.get(runtime)! + batch.cpuMs);
      medians.set(runtime, summarize(batch.times).median);
    }
    roundRatios.push(medians.get(OURS)! / medians.get(TUTORIAL_RUNTIME)!);
    log(`  round ${round + 1}/${ROUNDS}: ours ${medians.get(OURS)!.toFixed(2)} ms, tutorial ${medians.get(TUTORIAL_RUNTIME)!.toFixed(2)} ms`);
  }
  const invocations = ROUNDS * PER_ROUND;
  return {
    rounds: ROUNDS,
    perRound: PER_ROUND,
    handler,
    ours: summarize(times.get(OURS)!),
    tutorial: summarize(times.get(TUTORIAL_RUNTIME)!),
    oursCpuMs: cpu.get(OURS)! / invocations,
    tutorialCpuMs: cpu.get(TUTORIAL_RUNTIME)! / invocations,
    roundRatios,
  };
}

/**
 * Starts the runtime, answers one event unmeasured (init), then times `count` invocations, and
 * reads the CPU the runtime used for them, from one long poll to the one after the last answer.
 */
async function timeInvocations(runtime: RuntimeUnderTest, handler: string, count: number): Promise<{ times: number[]; cpuMs: number }> {
  const harness = await startRuntime(runtime, handler);
  try {
    await harness.respond('{}');
    await harness.waitForNextCalls(2);
    const cpuBefore = cpuMs(harness.pid);
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = process.hrtime.bigint();
      const result = await harness.invoke(`{"i":${i}}`);
      times.push(msSince(started));
      if (result.kind !== 'response' || result.body.toString().trim() !== 'ok') {
        throw new Error(`${runtime.name}: unexpected answer ${result.kind}: ${result.body.toString().slice(0, 200)}`);
      }
    }
    await harness.waitForNextCalls(count + 2);
    return { times, cpuMs: cpuMs(harness.pid) - cpuBefore };
  } finally {
    await harness.stop();
  }
}

async function measureLarge(label: string, size: number, oursHandler: string, tutorialHandler: string,
  log: (line: string) => void): Promise<LargeEventResult> {
  const event = jsonOfSize(size);
  const ours = await timeLargeEvent(OURS, oursHandler, event);
  const tutorial = await timeLargeEvent(TUTORIAL_RUNTIME, tutorialHandler, event);
  log(`  ${label}: ours ${describeOutcome(ours)}; tutorial ${describeOutcome(tutorial)}`);
  return { label, bytes: size, ours, tutorial };
}

async function timeLargeEvent(runtime: RuntimeUnderTest, handler: string, event: Buffer): Promise<LargeOutcome> {
  const harness = await startRuntime(runtime, handler);
  try {
    await harness.respond('{}');
    const times: number[] = [];
    let identical = true;
    for (let i = 0; i < LARGE_INVOCATIONS; i++) {
      const started = process.hrtime.bigint();
      let body: Buffer;
      try {
        const result = await harness.invoke(event);
        if (result.kind !== 'response') {
          return { ok: false, handler, what: `error report ${result.errorType}: ${result.body.toString().slice(0, 300)}` };
        }
        body = result.body;
      } catch (e) {
        return { ok: false, handler, what: await failureOf(harness, e as Error) };
      }
      times.push(msSince(started));
      identical &&= body.equals(event);
    }
    return { ok: true, handler, times: summarize(times), identical };
  } finally {
    await harness.stop();
  }
}

/**
 * What a runtime that died on an invocation said: how it exited, and the last lines of its log
 * that are not curl's progress meter (read once the process is gone and its output is in).
 */
async function failureOf(harness: RuntimeHarness, error: Error): Promise<string> {
  const exit = await Promise.race([harness.exited, sleep(2000)]);
  await sleep(100);
  // curl's answer to the tutorial's POST has no newline, so lines can start with it; its progress meter uses \r.
  const lines = harness.log.replace(/\{"status":"OK"\}/g, '\n').split(/[\r\n]+/).map((line) => line.trim())
    .filter((line) => line !== '' && !/^(% Total|Dload|\d+\s)/.test(line));
  const said = (lines.slice(-2).join(' / ') || error.message.split('\n')[0]).split(`${REPO_ROOT}/`).join('');
  const status = exit ? (exit.signal ? `killed by ${exit.signal}` : `exited with status ${exit.code}`) : 'still running';
  return `runtime ${status}; its log: "${said}"`;
}

function sleep(msToWait: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), msToWait));
}

function describeOutcome(outcome: LargeOutcome): string {
  return outcome.ok ? `median ${outcome.times.median.toFixed(1)} ms, identical ${outcome.identical}` : `FAILED: ${outcome.what}`;
}

/** A JSON object of exactly `size` bytes: `{"data":"xxx..."}`. */
function jsonOfSize(size: number): Buffer {
  const frame = '{"data":""}';
  return Buffer.from(`{"data":"${'x'.repeat(size - frame.length)}"}`);
}

const run = promisify(execFile);

/** Times `count` iterations of a bash loop body; milliseconds per iteration. */
async function perIteration(body: string, count: number, ...args: string[]): Promise<number> {
  const script = `for ((i = 0; i < $1; i++)); do ${body}; done`;
  const started = process.hrtime.bigint();
  await run('bash', ['-c', script, 'bash', String(count), ...args]);
  return msSince(started) / count;
}

async function measureParts(): Promise<PartCosts> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    return {
      curlRequestMs: await perIteration('curl -q -sS -o /dev/null "$2" || exit 1', 200, url),
      subshellMs: await perIteration('( : )', 1000),
      execMs: await perIteration('/bin/true', 1000),
    };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
