/**
 * Table 3c, response streaming through a real `serve` process, read with the SDK's
 * InvokeWithResponseStreamCommand: time to first byte and to the end of the three-chunk handler
 * (chunks 100 ms apart), streaming against buffered; and the cost of the streaming path itself on a
 * one-line handler, against the buffered path through Invoke. Interleaved rounds, all warm.
 * Part of `npm run bench`; alone: `bench/run.ts --streaming`.
 */
import { performance } from 'node:perf_hooks';
import { InvokeCommand, InvokeWithResponseStreamCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { Stack } from 'aws-cdk-lib';
import { orderFor } from './runtimes';
import { ms, ratio, summarize, Summary } from './stats';
import { removeTempDirs, streamFixtureFunction, synth } from '../test/runner/assembly';
import { localLambdaClient, startServe } from '../test/runner/cli-process';

const ROUNDS = 5;
const PER_ROUND = 20;
const CASE_NAMES = [
  'three chunks, streaming, InvokeWithResponseStream',
  'three chunks, buffered, InvokeWithResponseStream',
  'one line, streaming, InvokeWithResponseStream',
  'one line, buffered, InvokeWithResponseStream',
  'one line, buffered, Invoke',
] as const;

export interface StreamCase {
  readonly name: string;
  readonly firstByte: Summary;
  readonly total: Summary;
}

export interface ResponseStreamResult {
  readonly rounds: number;
  readonly perRound: number;
  /** In CASE_NAMES order. */
  readonly cases: StreamCase[];
}

interface Timing { readonly firstByteMs: number; readonly totalMs: number }

async function streamed(client: LambdaClient, name: string): Promise<Timing> {
  const start = performance.now();
  const res = await client.send(new InvokeWithResponseStreamCommand({ FunctionName: name }));
  let firstByteMs = NaN;
  for await (const event of res.EventStream!) {
    if (event.PayloadChunk && Number.isNaN(firstByteMs)) {
      firstByteMs = performance.now() - start;
    }
  }
  return { firstByteMs, totalMs: performance.now() - start };
}

async function buffered(client: LambdaClient, name: string): Promise<Timing> {
  const start = performance.now();
  await client.send(new InvokeCommand({ FunctionName: name }));
  const totalMs = performance.now() - start;
  return { firstByteMs: totalMs, totalMs };
}

export async function measureResponseStream(log: (line: string) => void): Promise<ResponseStreamResult> {
  const app = synth((a) => {
    const stack = new Stack(a, 'StreamBench');
    const fn = (id: string, handler: string, streaming: boolean) => streamFixtureFunction(stack, id, handler, streaming, 30);
    fn('three-streaming', 'three_chunks', true);
    fn('three-buffered', 'three_chunks', false);
    fn('line-streaming', 'one_line', true);
    fn('line-buffered', 'one_line', false);
  });
  const serve = await startServe(['--app', app, '--quiet']);
  const client = localLambdaClient(serve.url);
  const cases: Array<[string, () => Promise<Timing>]> = [
    [CASE_NAMES[0], () => streamed(client, 'three-streaming')],
    [CASE_NAMES[1], () => streamed(client, 'three-buffered')],
    [CASE_NAMES[2], () => streamed(client, 'line-streaming')],
    [CASE_NAMES[3], () => streamed(client, 'line-buffered')],
    [CASE_NAMES[4], () => buffered(client, 'line-buffered')],
  ];
  const samples = new Map<string, Timing[]>(cases.map(([name]) => [name, []]));
  try {
    for (const [, run] of cases) {
      await run(); // warm: the environments start on first use
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, run] of orderFor(round, cases)) {
        for (let i = 0; i < PER_ROUND; i++) {
          samples.get(name)!.push(await run());
        }
      }
    }
  } finally {
    await serve.stop();
    removeTempDirs();
  }
  const results = [...samples].map(([name, timings]) => ({
    name,
    firstByte: summarize(timings.map((t) => t.firstByteMs)),
    total: summarize(timings.map((t) => t.totalMs)),
  }));
  for (const c of results) {
    log(`  ${c.name}: first byte ${ms(c.firstByte.median)}, whole ${ms(c.total.median)}`);
  }
  return { rounds: ROUNDS, perRound: PER_ROUND, cases: results };
}

export const RESPONSE_STREAM_HEADING = '## 3c. Local runner: response streaming';

export function renderResponseStream(r: ResponseStreamResult): string {
  const get = (name: string) => r.cases.find((c) => c.name === name)!;
  const [threeStreaming, threeBuffered, lineStreaming, , lineInvoke] = CASE_NAMES.map(get);
  const rows = r.cases.map((c) => `| ${c.name} | ${ms(c.firstByte.median)} (${ms(c.firstByte.p90)}) | ${ms(c.total.median)} (${ms(c.total.p90)}) |`);
  return `${RESPONSE_STREAM_HEADING}

Functions on the shell runtime under a real \`serve\`, read with \`@aws-sdk/client-lambda\`: a handler that prints three
lines 100 ms apart, and one that prints one line, each with \`LAMBDA_RESPONSE_MODE=streaming\` and without (a buffered
function read through \`InvokeWithResponseStream\` gets its whole payload as one chunk, as on Lambda). ${r.rounds} rounds of
${r.perRound} invocations per case, the cases rotated and reversed round by round, all warm. Medians, p90 in parentheses.

| Case | First byte | Whole response |
| --- | --- | --- |
${rows.join('\n')}

Three chunks: the first byte arrives after ${ratio(threeStreaming.firstByte.median / threeBuffered.firstByte.median)} of the buffered function's time
(${ms(threeStreaming.firstByte.median)} against ${ms(threeBuffered.firstByte.median)}), and the whole response after ${ratio(threeStreaming.total.median / threeBuffered.total.median)}
(${ms(threeStreaming.total.median - threeBuffered.total.median)} more). One line: streaming costs ${ms(lineStreaming.total.median - lineInvoke.total.median)} more than a buffered Invoke (${ratio(lineStreaming.total.median / lineInvoke.total.median)}): each piece
the handler writes is read by a \`dd\` and sent by a \`cat\` (runtime/shell/README.md).
`;
}
