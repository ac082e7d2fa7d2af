import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LocalRunner } from '../../src/runner/local-runner';
import { fixtureLayer, removeTempDirs, runtimeLayer, RUNNER_FIXTURES, shellFunction, synth, synthFunctions, tempDir } from './assembly';

const runners: LocalRunner[] = [];
function open(assemblyDir: string, options: Parameters<typeof LocalRunner.open>[1] = {}): LocalRunner {
  const runner = LocalRunner.open(assemblyDir, { onWarning: () => undefined, ...options });
  runners.push(runner);
  return runner;
}

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});
afterAll(() => removeTempDirs());

function json(buffer: Buffer): any {
  return JSON.parse(buffer.toString('utf8'));
}

/** `environment` handler output, as a map. */
function envOf(buffer: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of buffer.toString('utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

// One app for most tests: synthesized once.
let app: string;
beforeAll(() => {
  app = synth((a) => {
    const stack = new Stack(a, 'RunnerTest');
    shellFunction(stack, 'Echo', { handler: 'echo_event' });
    shellFunction(stack, 'Logs', { handler: 'logs' });
    shellFunction(stack, 'Fail', { handler: 'fail' });
    shellFunction(stack, 'Missing', { handler: 'does_not_exist' });
    shellFunction(stack, 'ExitInInit', { handler: 'echo_event', environment: { FIXTURE_EXIT_IN_INIT: '7' } });
    shellFunction(stack, 'Crash', { handler: 'crash' });
    shellFunction(stack, 'Big', { handler: 'big_response' });
    shellFunction(stack, 'Context', { handler: 'context', tracing: lambda.Tracing.ACTIVE });
    shellFunction(stack, 'Env', {
      handler: 'environment',
      memorySize: 256,
      environment: { GREETING: 'hello world', MULTI: 'a=b c', TOKEN: stack.stackId, REGION_ARN: `arn:aws:s3:${stack.region}::x` },
    });
    const aliased = shellFunction(stack, 'Aliased', { handler: 'environment' });
    new lambda.Alias(stack, 'Live', { aliasName: 'live', version: aliased.currentVersion });
    shellFunction(stack, 'Layers', {
      handler: 'layers',
      layers: [runtimeLayer(stack), fixtureLayer(stack, 'LayerA', 'layer-a'), fixtureLayer(stack, 'LayerB', 'layer-b')],
    });
    shellFunction(stack, 'OwnBootstrap', { handler: 'echo_event', codeDir: path.join(RUNNER_FIXTURES, 'own-bootstrap') });
    shellFunction(stack, 'NoBootstrap', { handler: 'handler', codeDir: path.join(RUNNER_FIXTURES, 'no-bootstrap'), layers: [] });
    shellFunction(stack, 'NotExecutable', { handler: 'handler', codeDir: path.join(RUNNER_FIXTURES, 'not-executable'), layers: [] });
  });
});

describe('RequestResponse', () => {
  test('returns the function response with status 200 and $LATEST', async () => {
    // GIVEN
    const runner = open(app);
    // WHEN
    const res = await runner.invoke({ functionName: 'Echo', payload: '{"hello":"world"}' });
    // THEN
    expect(res.statusCode).toBe(200);
    expect(res.executedVersion).toBe('$LATEST');
    expect(res.functionError).toBeUndefined();
    expect(json(res.payload)).toEqual({ hello: 'world' });
  });

  test('an empty payload arrives as {}', async () => {
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'Echo' });
    expect(res.payload.toString()).toBe('{}');
  });

  test('a handler that exits non-zero is a function error with status 200', async () => {
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'Fail', payload: '{}' });
    expect(res.statusCode).toBe(200);
    expect(res.functionError).toBe('Unhandled');
    expect(json(res.payload)).toMatchObject({ errorType: 'Handler.NonZeroExit', errorMessage: 'fail exited with status 3' });
  });

  test('LogType Tail returns the last 4 KB of the log with START, END and REPORT lines and the handler stderr', async () => {
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'Logs', logType: 'Tail' });
    const log = Buffer.from(res.logResult!, 'base64').toString('utf8');
    expect(log).toContain('handler says hello on stderr');
    expect(log).toMatch(new RegExp(`^START RequestId: ${res.requestId} Version: \\$LATEST$`, 'm'));
    expect(log).toMatch(new RegExp(`^END RequestId: ${res.requestId}$`, 'm'));
    expect(log).toMatch(new RegExp(`^REPORT RequestId: ${res.requestId}\\tDuration: [0-9.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: [0-9.]+ ms`, 'm'));
    expect(log.indexOf('START')).toBeLessThan(log.indexOf('handler says hello'));
    expect(log.indexOf('handler says hello')).toBeLessThan(log.indexOf('END RequestId'));

    // The second (warm) invocation has no Init Duration and no init output.
    const warm = await runner.invoke({ functionName: 'Logs', logType: 'Tail' });
    const warmLog = Buffer.from(warm.logResult!, 'base64').toString('utf8');
    expect(warmLog).not.toContain('Init Duration');
    expect(warmLog).not.toContain('fixture runtime: init');
    expect(runner.runtimeStarts).toBe(1);
  });

  test('without LogType Tail there is no LogResult', async () => {
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'Logs' });
    expect(res.logResult).toBeUndefined();
  });
});
