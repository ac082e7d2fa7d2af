/**
 * Table 1, runtime overhead: warm per-invocation time of our shell runtime, on its fast path and
 * on its curl path, against the seed tutorial's bootstrap: same handler, a fresh server of the
 * same kind per runtime process, interleaved in rounds; on our RuntimeApiServer and on the
 * node:net servers of test/runtime/net-runtime-api.ts. Then events from 1 KiB to 6 MB; what the
 * pieces a runtime is made of cost; and the processes each runtime starts per invocation (strace).
 */
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { cpuMs, OURS, OURS_CURL, orderFor, RuntimeUnderTest, startRuntime, TUTORIAL_RUNTIME } from './runtimes';
import { msSince, summarize, Summary } from './stats';
import { RuntimeApiServer } from '../src/runner/runtime-api-server';
import { HarnessServer, REPO_ROOT, RuntimeHarness } from '../test/runtime/harness';
import { NetRuntimeApi } from '../test/runtime/net-runtime-api';
import { hasStrace, perInvocation, PerInvocation } from '../test/runtime/strace';

/** The runtimes compared, in every table. */
export const RUNTIMES: readonly RuntimeUnderTest[] = [OURS, OURS_CURL, TUTORIAL_RUNTIME];

export interface ServerUnderTest {
  readonly name: string;
  readonly start: () => Promise<HarnessServer>;
  /** Rounds of warm invocations (each runtime once per round). */
  readonly rounds: number;
  /**
   * The server of this list that answers the same way but at once: the difference of the fast path's
   * medians on the two is the time this server holds its answers back, which no runtime can save.
   */
  readonly answersAtOnce?: string;
}

export const SERVERS: readonly ServerUnderTest[] = [
  { name: 'ours (RuntimeApiServer, node:http)', start: () => RuntimeApiServer.start(), rounds: 10 },
  { name: 'node:net, keep-alive', start: () => NetRuntimeApi.start({}), rounds: 4 },
  {
    name: 'node:net, headers in 4 writes 1 ms apart',
    start: () => NetRuntimeApi.start({ headerWrites: 4, delayMs: 1 }),
    rounds: 4,
    answersAtOnce: 'node:net, keep-alive',
  },
  { name: 'node:net, Connection: close after every answer', start: () => NetRuntimeApi.start({ closeAfterAnswer: true }), rounds: 4 },
];

const PER_ROUND = 50;
const LARGE_INVOCATIONS = 5;
/** The event sizes of the large-event table: 1 KiB, 64 KiB, 1 MiB, 6 MB (Lambda's limit). */
export const EVENT_SIZES: ReadonlyArray<readonly [string, number]> = [
  ['1 KiB', 1024], ['64 KiB', 64 * 1024], ['1 MiB', 1024 * 1024], ['6 MB', 6 * 1024 * 1024],
];

export interface RuntimeRun {
  readonly runtime: string;
  readonly times: Summary;
  /** CPU time per invocation of the runtime's process tree (its shell and what it started), in ms. */
  readonly cpuMs: number;
}

export interface WarmResult {
  readonly server: string;
  readonly rounds: number;
  readonly perRound: number;
  readonly handler: string;
  /** One per runtime, in RUNTIMES order. */
  readonly runs: RuntimeRun[];
  /** Per-round medians, ours (fast path) / tutorial, to show the spread between rounds. */
  readonly roundRatios: number[];
}

export type LargeOutcome =
  | { readonly ok: true; readonly handler: string; readonly times: Summary; readonly cpuMs: number; readonly identical: boolean }
  | { readonly ok: false; readonly handler: string; readonly what: string };

export interface LargeEventResult {
  readonly server: string;
  readonly label: string;
  readonly bytes: number;
  /** One per runtime, in RUNTIMES order. */
  readonly outcomes: LargeOutcome[];
}

export interface PartCosts {
  /** One `curl` process making one request to a loopback HTTP server. */
  readonly curlRequestMs: number;
  /** One forked subshell, `( : )`. */
  readonly subshellMs: number;
  /** One fork and exec of a tiny program, `/bin/true`. */
  readonly execMs: number;
  /** Reading 1 KiB from a socket with `read -d '' -n`, one read(2) per byte (the fast path's small bodies). */
  readonly readPerByteKiBMs: number;
  /** Copying 1 KiB from a socket with one `dd` process (the fast path's large bodies). */
  readonly ddKiBMs: number;
}

export interface ProcessCount extends PerInvocation {
  readonly runtime: string;
}

export interface RuntimeOverheadResult {
  /** One per server, in SERVERS order: the first is ours. */
  readonly warm: WarmResult[];
  readonly large: LargeEventResult[];
  readonly parts: PartCosts;
  /** Per runtime, counted with strace; empty when strace is missing. */
  readonly processes: ProcessCount[];
}

export async function measureRuntimeOverhead(log: (line: string) => void): Promise<RuntimeOverheadResult> {
  const warm: WarmResult[] = [];
  for (const server of SERVERS) {
    log(`  warm, ${server.name}:`);
    warm.push(await measureWarm('echo.trivial', server, log));
  }
  const large: LargeEventResult[] = [];
  for (const server of SERVERS) {
    for (const [label, size] of EVENT_SIZES) {
      large.push(await measureLarge(server, label, size, log));
    }
  }
  const parts = await measureParts();
  const processes = hasStrace() ? await countProcesses() : [];
  return { warm, large, parts, processes };
}

async function measureWarm(handler: string, server: ServerUnderTest, log: (line: string) => void): Promise<WarmResult> {
  const times = new Map<RuntimeUnderTest, number[]>(RUNTIMES.map((r) => [r, []]));
  const cpu = new Map<RuntimeUnderTest, number>(RUNTIMES.map((r) => [r, 0]));
  const roundRatios: number[] = [];
  for (let round = 0; round < server.rounds; round++) {
    const medians = new Map<RuntimeUnderTest, number>();
    for (const runtime of orderFor(round, RUNTIMES)) {
      const batch = await timeInvocations(runtime, handler, server, PER_ROUND);
      times.get(runtime)!.push(...batch.times);
      cpu.set(runtime, cpu.get(runtime)! + batch.cpuMs);
      medians.set(runtime, summarize(batch.times).median);
    }
    roundRatios.push(medians.get(OURS)! / medians.get(TUTORIAL_RUNTIME)!);
    log(`    round ${round + 1}/${server.rounds}: ${RUNTIMES.map((r) => `${r.name} ${medians.get(r)!.toFixed(2)} ms`).join(', ')}`);
  }
  const invocations = server.rounds * PER_ROUND;
  return {
    server: server.name,
    rounds: server.rounds,
    perRound: PER_ROUND,
    handler,
    runs: RUNTIMES.map((r) => ({ runtime: r.name, times: summarize(times.get(r)!), cpuMs: cpu.get(r)! / invocations })),
    roundRatios,
  };
}

/** Starts a server of the kind, and the runtime on it, for one batch; both are stopped after. */
async function withRuntime<T>(runtime: RuntimeUnderTest, handler: string, server: ServerUnderTest,
  body: (harness: RuntimeHarness<HarnessServer>) => Promise<T>): Promise<T> {
  const api = await server.start();
  try {
    const harness = await startRuntime(runtime, handler, api);
    try {
      return await body(harness);
    } finally {
      await harness.stop();
    }
  } finally {
    await api.close();
  }
}

/**
 * Starts the runtime, answers one event unmeasured (init), then times `count` invocations, and
 * reads the CPU the runtime used for them, from one long poll to the one after the last answer.
 */
function timeInvocations(runtime: RuntimeUnderTest, handler: string, server: ServerUnderTest,
  count: number): Promise<{ times: number[]; cpuMs: number }> {
  return withRuntime(runtime, handler, server, async (harness) => {
    await harness.respond('{}');
    await harness.waitForNextCalls(2);
    const cpuBefore = cpuMs(harness.pid);
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = process.hrtime.bigint();
      const result = await harness.invoke({ payload: Buffer.from(`{"i":${i}}`) });
      times.push(msSince(started));
      if (result.kind !== 'response' || result.body.toString().trim() !== 'ok') {
        throw new Error(`${runtime.name}: unexpected answer ${result.kind}: ${result.body.toString().slice(0, 200)}`);
      }
    }
    await harness.waitForNextCalls(count + 2);
    return { times, cpuMs: cpuMs(harness.pid) - cpuBefore };
  });
}

/**
 * The echo handlers: at 64 KiB and below every runtime echoes "$1" (`echo_argument`); above, ours
 * passes the event on stdin only (`echo_event`: `cat`), while the tutorial's only contract is "$1".
 */
function echoHandler(runtime: RuntimeUnderTest, size: number): string {
  return runtime === TUTORIAL_RUNTIME || size <= 64 * 1024 ? 'echo.echo_argument' : 'echo.echo_event';
}

async function measureLarge(server: ServerUnderTest, label: string, size: number, log: (line: string) => void): Promise<LargeEventResult> {
  const event = jsonOfSize(size);
  const outcomes: LargeOutcome[] = [];
  for (const runtime of RUNTIMES) {
    outcomes.push(await timeLargeEvent(runtime, echoHandler(runtime, size), server, event));
  }
  log(`  ${label}, ${server.name}: ${RUNTIMES.map((r, i) => `${r.name} ${describeOutcome(outcomes[i])}`).join('; ')}`);
  return { server: server.name, label, bytes: size, outcomes };
}

function timeLargeEvent(runtime: RuntimeUnderTest, handler: string, server: ServerUnderTest, event: Buffer): Promise<LargeOutcome> {
  return withRuntime(runtime, handler, server, async (harness): Promise<LargeOutcome> => {
    await harness.respond('{}');
    await harness.waitForNextCalls(2);
    const cpuBefore = cpuMs(harness.pid);
    const times: number[] = [];
    let identical = true;
    for (let i = 0; i < LARGE_INVOCATIONS; i++) {
      const started = process.hrtime.bigint();
      let body: Buffer;
      try {
        const result = await harness.invoke({ payload: event });
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
    await harness.waitForNextCalls(LARGE_INVOCATIONS + 2);
    return { ok: true, handler, times: summarize(times), cpuMs: (cpuMs(harness.pid) - cpuBefore) / LARGE_INVOCATIONS, identical };
  });
}

async function countProcesses(): Promise<ProcessCount[]> {
  const counts: ProcessCount[] = [];
  for (const runtime of RUNTIMES) {
    counts.push({ runtime: runtime.name, ...await perInvocation(runtime.command, runtime.transport ?? 'tcp') });
  }
  return counts;
}

/**
 * What a runtime that died on an invocation said: how it exited, and the last lines of its log
 * that are not curl's progress meter (read once the process is gone and its output is in).
 */
async function failureOf(harness: RuntimeHarness<HarnessServer>, error: Error): Promise<string> {
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
  return outcome.ok ? `median ${outcome.times.median.toFixed(1)} ms, identical ${outcome.identical}` : 'FAILED';
}

/** A JSON object of exactly `size` bytes: `{"data":"xxx..."}`. */
function jsonOfSize(size: number): Buffer {
  const frame = '{"data":""}';
  return Buffer.from(`{"data":"${'x'.repeat(size - frame.length)}"}`);
}

const run = promisify(execFile);

/** Times `count` iterations of a bash loop body (after `setup`); milliseconds per iteration. */
async function perIteration(body: string, count: number, arg: string = '', setup: string = ''): Promise<number> {
  const script = `LC_ALL=C; ${setup}for ((i = 0; i < $1; i++)); do ${body}; done`;
  const started = process.hrtime.bigint();
  await run('bash', ['-c', script, 'bash', String(count), arg]);
  return msSince(started) / count;
}

/** A loopback server that answers every byte it receives with 1 KiB (for the body-reading costs). */
async function kibServer(): Promise<net.Server> {
  const server = net.createServer((socket) => socket.on('data', (data) => {
    for (let i = 0; i < data.length; i++) {
      socket.write(Buffer.alloc(1024, 'y'));
    }
  }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function measureParts(): Promise<PartCosts> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const kib = await kibServer();
  const port = String((kib.address() as AddressInfo).port);
  const open = 'exec 3<>"/dev/tcp/127.0.0.1/$2"; ';
  try {
    return {
      curlRequestMs: await perIteration('curl -q -sS -o /dev/null "$2" || exit 1', 200, url),
      subshellMs: await perIteration('( : )', 1000),
      execMs: await perIteration('/bin/true', 1000),
      readPerByteKiBMs: await perIteration('printf x >&3; IFS= read -r -d \'\' -n 1024 v <&3', 200, port, open),
      ddKiBMs: await perIteration('printf x >&3; dd bs=65536 count=1024 iflag=count_bytes,fullblock <&3 >/dev/null 2>&1', 200, port, open),
    };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => kib.close(() => resolve()));
  }
}
