/**
 * Table 3, the local runner: warm latency of one invocation through a real `serve` process
 * (HTTP Invoke API -> LocalRunner -> its Runtime API server -> the shell runtime) against the bare
 * runtime loop (RuntimeApiServer.invoke straight to the same bootstrap and handler), interleaved in
 * rounds; and invocations per second through `serve`.
 *
 * The function is the library's own `CustomRuntimeFunction`, invoked through its alias `live`.
 * `serve` is started with the CLI helper of the runner's tests (test/runner/cli-process.ts); each of its
 * environments has a /tmp of its own, removed when it stops. bench/scale-out.ts compares one environment with four.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OURS, orderFor, startRuntime } from './runtimes';
import { msSince, summarize, Summary } from './stats';
import { CustomRuntimeFunction } from '../lib';
import { removeTempDirs, synth } from '../test/runner/assembly';
import { ServeProcess, startServe } from '../test/runner/cli-process';
import { FIXTURES } from '../test/runtime/harness';

const ROUNDS = 5;
const PER_ROUND = 100;
const CONCURRENT_CLIENTS = 4;
const CONCURRENT_INVOCATIONS = 200;
const HANDLER = 'echo.trivial';
const FUNCTION_NAME = 'Bench/Trivial';

export interface LocalRunnerResult {
  readonly rounds: number;
  readonly perRound: number;
  readonly handler: string;
  readonly serve: Summary;
  readonly bare: Summary;
  /** Invocations per second through serve, one client after the other on one keep-alive connection. */
  readonly sequentialPerSecond: number;
  /** Invocations per second through serve with several clients at once (as many environments as were busy at once serve them). */
  readonly concurrentPerSecond: number;
  readonly concurrentClients: number;
  /** Runtime processes under serve at the end: the environments the concurrent clients needed. */
  readonly runtimeProcesses: number;
}

/** The cloud assembly of the benchmarks: one `CustomRuntimeFunction` with the trivial handler. */
export function trivialAssembly(): string {
  return synth((app) => {
    const stack = new Stack(app, 'Bench');
    new CustomRuntimeFunction(stack, 'Trivial', { code: lambda.Code.fromAsset(FIXTURES), handler: HANDLER });
  });
}

/** The Invoke API URL of the trivial function's alias under `serve`. */
export function trivialUrl(serve: ServeProcess): string {
  return `${serve.url}/2015-03-31/functions/${encodeURIComponent(FUNCTION_NAME)}/invocations?Qualifier=live`;
}

export async function measureLocalRunner(log: (line: string) => void): Promise<LocalRunnerResult> {
  const assemblyDir = trivialAssembly();
  const serve = await startServe(['--app', assemblyDir, '--quiet']);
  const bare = await startRuntime(OURS, HANDLER);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = trivialUrl(serve);
  try {
    // The first invocation of each starts its runtime: not measured.
    await invoke(agent, url, '{}');
    await bare.respond('{}');
    const serveTimes: number[] = [];
    const bareTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of orderFor(round, ['serve', 'bare'] as const)) {
        for (let i = 0; i < PER_ROUND; i++) {
          const started = process.hrtime.bigint();
          const answer = side === 'serve' ? await invoke(agent, url, `{"i":${i}}`) : await bare.respond(`{"i":${i}}`);
          (side === 'serve' ? serveTimes : bareTimes).push(msSince(started));
          check(answer);
        }
      }
      log(`  round ${round + 1}/${ROUNDS} done`);
    }
    const concurrentPerSecond = await concurrentThroughput(url);
    const runtimeProcesses = childrenOf(serve.child.pid!).length;
    return {
      rounds: ROUNDS,
      perRound: PER_ROUND,
      handler: HANDLER,
      serve: summarize(serveTimes),
      bare: summarize(bareTimes),
      sequentialPerSecond: serveTimes.length / (serveTimes.reduce((a, b) => a + b, 0) / 1000),
      concurrentPerSecond,
      concurrentClients: CONCURRENT_CLIENTS,
      runtimeProcesses,
    };
  } finally {
    agent.destroy();
    await bare.stop();
    await stopServe(serve);
    removeTempDirs();
  }
}

/** Several clients, each on its own keep-alive connection, share `CONCURRENT_INVOCATIONS` invocations. */
async function concurrentThroughput(url: string): Promise<number> {
  const agents = Array.from({ length: CONCURRENT_CLIENTS }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  let remaining = CONCURRENT_INVOCATIONS;
  const started = process.hrtime.bigint();
  try {
    await Promise.all(agents.map(async (agent) => {
      while (remaining > 0) {
        remaining--;
        check(await invoke(agent, url, '{}'));
      }
    }));
    return CONCURRENT_INVOCATIONS / (msSince(started) / 1000);
  } finally {
    agents.forEach((agent) => agent.destroy());
  }
}

export function check(answer: string): void {
  if (answer.trim() !== 'ok') {
    throw new Error(`unexpected answer ${JSON.stringify(answer.slice(0, 200))}`);
  }
}

/** One synchronous Invoke API call; rejects on an error status or a function error. */
export function invoke(agent: http.Agent, url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode === 200 && res.headers['x-amz-function-error'] === undefined) {
          resolve(text);
        } else {
          reject(new Error(`HTTP ${res.statusCode} ${res.headers['x-amz-function-error'] ?? ''}: ${text.slice(0, 300)}`));
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Process ids whose parent is `pid` (Linux /proc). */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) {
        children.push(Number(entry));
      }
    } catch {
      // exited meanwhile
    }
  }
  return children;
}

/** Stops serve, which stops its runtimes with SIGTERM (and a grace period) before it exits. */
async function stopServe(serve: ServeProcess): Promise<void> {
  await serve.stop('SIGTERM');
}
