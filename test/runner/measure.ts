/**
 * Measures the local runner (not a test; run it by hand):
 *
 *   npx ts-node --transpile-only --project tsconfig.dev.json test/runner/measure.ts [invocations]
 *
 * - warm latency through `serve`: the median (and p90) over N sequential
 *   invocations of a trivial handler, on one keep-alive connection, after one
 *   warm-up invocation;
 * - cold start: from opening the runner on the cloud assembly to the first
 *   response (in process), and a whole `cdk-custom-runtime invoke` process.
 *
 * Each is measured with the shell runtime of runtime/shell (with a handler
 * that forks nothing, and one that runs `cat`) and with the test fixture runtime.
 */
import * as http from 'http';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { fixtureRuntimeLayer, removeTempDirs, RUNNER_FIXTURES, shellFunction, synth } from './assembly';
import { runCli } from './cli-process';
import { InvokeApiServer } from '../../src/runner/invoke-api-server';
import { LocalRunner } from '../../src/runner/local-runner';

const ROOT = path.join(__dirname, '..', '..');
const SHELL_RUNTIME = path.join(ROOT, 'runtime', 'shell');
const SHELL_HANDLERS = path.join(ROOT, 'test', 'fixtures', 'runtime');

function post(agent: http.Agent, url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => (res.statusCode === 200 && !res.headers['x-amz-function-error'] ? resolve(data) : reject(new Error(data))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function measure(label: string, assemblyDir: string, functionName: string, n: number): Promise<void> {
  // Cold start, in process: open the assembly, stage, start the runtime, first response.
  const colds: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const runner = LocalRunner.open(assemblyDir, { onWarning: () => undefined });
    await runner.invoke({ functionName, payload: '{}' });
    colds.push(performance.now() - t0);
    await runner.close();
  }
  // Cold start of the CLI: a whole `invoke` process, node start-up included.
  const clis: number[] = [];
  const out = path.join(path.dirname(assemblyDir), 'out.json');
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const res = await runCli(['invoke', '--app', assemblyDir, '--function-name', functionName, '--quiet', out]);
    clis.push(performance.now() - t0);
    if (res.status !== 0) {
      throw new Error(res.stderr);
    }
  }
  // Warm, through serve.
  const runner = LocalRunner.open(assemblyDir, { onWarning: () => undefined });
  const server = await InvokeApiServer.start(runner);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = `${server.url}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`;
  await post(agent, url, '{}');
  const warm: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await post(agent, url, '{}');
    warm.push(performance.now() - t0);
  }
  agent.destroy();
  await server.close();
  await runner.close();
  warm.sort((a, b) => a - b);
  colds.sort((a, b) => a - b);
  clis.sort((a, b) => a - b);
  const ms = (x: number): string => `${x.toFixed(1)} ms`;
  console.log(`${label}`);
  console.log(`  warm via serve (n=${n}): median ${ms(percentile(warm, 0.5))}, p90 ${ms(percentile(warm, 0.9))}, min ${ms(warm[0])}`);
  console.log(`  cold, in process (open to first response, n=5): median ${ms(percentile(colds, 0.5))}`);
  console.log(`  cold, CLI invoke process (n=5): median ${ms(percentile(clis, 0.5))}`);
  console.log(`  runtime starts during the warm run: ${runner.runtimeStarts}`);
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 200);
  const assembly = synth((app) => {
    const stack = new Stack(app, 'Measure');
    // The shell runtime (the library's layer) with the smallest handler: `echo ok`, no process forked.
    new lambda.Function(stack, 'ShellTrivial', {
      runtime: lambda.Runtime.PROVIDED_AL2023,
      handler: 'echo.trivial',
      code: lambda.Code.fromAsset(SHELL_HANDLERS),
      layers: [new lambda.LayerVersion(stack, 'Shell', { code: lambda.Code.fromAsset(SHELL_RUNTIME) })],
    });
    // The shell runtime with a handler that runs `cat` (one fork + exec per event).
    shellFunction(stack, 'ShellCat', { handler: 'echo_event' });
    // A Node.js echo runtime: no process per event, so what remains is the runner's own cost.
    new lambda.Function(stack, 'NodeEcho', {
      runtime: lambda.Runtime.PROVIDED_AL2023,
      handler: 'unused',
      code: lambda.Code.fromAsset(path.join(RUNNER_FIXTURES, 'node-runtime')),
    });
    // The test fixture runtime (several curl, grep... processes per event).
    shellFunction(stack, 'FixtureCat', { handler: 'echo_event', layers: [fixtureRuntimeLayer(stack)] });
  });
  await measure('shell runtime (runtime/shell), handler `echo ok`', assembly, 'ShellTrivial', n);
  await measure('shell runtime (runtime/shell), handler `cat`', assembly, 'ShellCat', n);
  await measure('fixture runtime (test/fixtures/runner/runtime), handler `cat`', assembly, 'FixtureCat', n);
  await measure('Node.js echo runtime (test/fixtures/runner/node-runtime): the runner\'s own overhead', assembly, 'NodeEcho', n);
  removeTempDirs();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
