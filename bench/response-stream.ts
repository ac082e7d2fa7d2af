/**
 * Response streaming through a real `serve` process, read with the SDK's InvokeWithResponseStreamCommand:
 * time to first byte and to the end of the three-chunk handler (chunks 100 ms apart), streaming vs buffered;
 * and the cost of the streaming path itself on a one-line handler, against the buffered path through Invoke.
 *
 *   npx ts-node --project tsconfig.dev.json bench/response-stream.ts
 *
 * Prints a Markdown table (medians and p90 over interleaved rounds). Not part of `npm run bench` yet.
 */
import { performance } from 'node:perf_hooks';
import { InvokeCommand, InvokeWithResponseStreamCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { summarize } from './stats';
import { removeTempDirs, runtimeLayer, synth } from '../test/runner/assembly';
import { startServe } from '../test/runner/cli-process';
import { FIXTURES } from '../test/runtime/harness';

const ROUNDS = 5;
const PER_ROUND = 20;

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

async function main(): Promise<void> {
  const app = synth((a) => {
    const stack = new Stack(a, 'StreamBench');
    const fn = (id: string, handler: string, streaming: boolean): void => {
      new lambda.Function(stack, id, {
        functionName: id,
        runtime: lambda.Runtime.PROVIDED_AL2023,
        handler: `stream.${handler}`,
        code: lambda.Code.fromAsset(FIXTURES),
        layers: [runtimeLayer(stack)],
        environment: streaming ? { LAMBDA_RESPONSE_MODE: 'streaming' } : undefined,
        timeout: Duration.seconds(30),
      });
    };
    fn('three-streaming', 'three_chunks', true);
    fn('three-buffered', 'three_chunks', false);
    fn('line-streaming', 'one_line', true);
    fn('line-buffered', 'one_line', false);
  });
  const serve = await startServe(['--app', app, '--quiet']);
  const client = new LambdaClient({
    endpoint: serve.url,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
  });
  const cases: Array<[string, () => Promise<Timing>]> = [
    ['three chunks, streaming, InvokeWithResponseStream', () => streamed(client, 'three-streaming')],
    ['three chunks, buffered, InvokeWithResponseStream', () => streamed(client, 'three-buffered')],
    ['one line, streaming, InvokeWithResponseStream', () => streamed(client, 'line-streaming')],
    ['one line, buffered, InvokeWithResponseStream', () => streamed(client, 'line-buffered')],
    ['one line, buffered, Invoke', () => buffered(client, 'line-buffered')],
  ];
  const samples = new Map<string, Timing[]>(cases.map(([name]) => [name, []]));
  try {
    for (const [, run] of cases) {
      await run(); // warm: the environments start on first use
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, run] of cases) {
        for (let i = 0; i < PER_ROUND; i++) {
          samples.get(name)!.push(await run());
        }
      }
    }
  } finally {
    await serve.stop();
    removeTempDirs();
  }
  const ms = (n: number): string => n.toFixed(1);
  process.stdout.write('| Case | First byte, median (p90) ms | Whole response, median (p90) ms |\n| --- | --- | --- |\n');
  for (const [name, timings] of samples) {
    const first = summarize(timings.map((t) => t.firstByteMs));
    const total = summarize(timings.map((t) => t.totalMs));
    process.stdout.write(`| ${name} | ${ms(first.median)} (${ms(first.p90)}) | ${ms(total.median)} (${ms(total.p90)}) |\n`);
  }
}

void main();
