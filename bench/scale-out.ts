/**
 * Table 3b, scale-out: throughput of `serve` on the trivial handler with one execution environment
 * (`--max-concurrency 1`, one client) against four (`--max-concurrency 4`, four clients), in interleaved
 * rounds. Both `serve` processes are warm (every environment started before the first round).
 */
import * as http from 'node:http';
import { check, childrenOf, invoke, trivialAssembly, trivialUrl } from './local-runner';
import { orderFor } from './runtimes';
import { msSince, summarize, Summary } from './stats';
import { removeTempDirs } from '../test/runner/assembly';
import { startServe } from '../test/runner/cli-process';

const ROUNDS = 5;
const PER_ROUND = 200;
const SIDES = [1, 4] as const;

export interface ScaleOutSide {
  /** Environments (`--max-concurrency`), and as many clients. */
  readonly instances: number;
  /** Invocations per second, one sample per round. */
  readonly perSecond: Summary;
  /** Runtime processes under serve at the end. */
  readonly runtimeProcesses: number;
}

export interface ScaleOutResult {
  readonly rounds: number;
  readonly perRound: number;
  readonly sides: ScaleOutSide[];
}

export async function measureScaleOut(log: (line: string) => void): Promise<ScaleOutResult> {
  const assemblyDir = trivialAssembly();
  const serves = await Promise.all(SIDES.map((n) => startServe(['--app', assemblyDir, '--quiet', '--max-concurrency', String(n)])));
  const agents = SIDES.map((n) => Array.from({ length: n }, () => new http.Agent({ keepAlive: true, maxSockets: 1 })));
  const samples: number[][] = SIDES.map(() => []);
  try {
    // Warm: each client once, all at once, so that every environment has started.
    await Promise.all(SIDES.map((_, s) => Promise.all(agents[s].map(async (agent) => check(await invoke(agent, trivialUrl(serves[s]), '{}'))))));
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of orderFor(round, [0, 1] as const)) {
        samples[s].push(await throughput(agents[s], trivialUrl(serves[s])));
      }
      log(`  round ${round + 1}/${ROUNDS} done`);
    }
    return {
      rounds: ROUNDS,
      perRound: PER_ROUND,
      sides: SIDES.map((instances, s) => ({
        instances,
        perSecond: summarize(samples[s]),
        runtimeProcesses: childrenOf(serves[s].child.pid!).length,
      })),
    };
  } finally {
    agents.flat().forEach((agent) => agent.destroy());
    await Promise.all(serves.map((serve) => serve.stop('SIGTERM')));
    removeTempDirs();
  }
}

/** The clients share `PER_ROUND` invocations, each on its own keep-alive connection: invocations per second. */
async function throughput(agents: http.Agent[], url: string): Promise<number> {
  let remaining = PER_ROUND;
  const started = process.hrtime.bigint();
  await Promise.all(agents.map(async (agent) => {
    while (remaining > 0) {
      remaining--;
      check(await invoke(agent, url, '{}'));
    }
  }));
  return PER_ROUND / (msSince(started) / 1000);
}

/** The report's section. */
export function renderScaleOut(r: ScaleOutResult, cores: number): string {
  const rows = r.sides.map((side) => `| ${side.instances} | ${side.instances} | ${side.perSecond.median.toFixed(0)}/s | `
    + `${side.perSecond.min.toFixed(0)}-${side.perSecond.max.toFixed(0)}/s | ${side.runtimeProcesses} |`);
  const [one, four] = r.sides;
  return `## 3b. Local runner: scale-out

The same function under two \`serve\` processes: \`--max-concurrency 1\` with one client, \`--max-concurrency 4\`
with four, each client on its own keep-alive connection; ${r.rounds} rounds of ${r.perRound} invocations per side, ABBA order,
all environments warm.

| Environments | Clients | Median throughput | Range over rounds | Runtime processes at the end |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

Four environments give ${(four.perSecond.median / one.perSecond.median).toFixed(2)}x the throughput of one, on ${cores} cores shared with
the clients and the runner (each invocation costs the shell runtime its handler's subshell; the runner's side is Node's).
`;
}
