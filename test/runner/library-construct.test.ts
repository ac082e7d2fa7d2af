import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HANDLERS_DIR, removeTempDirs, synth, tempDir } from './assembly';
import { CustomRuntimeFunction } from '../../src/custom-runtime-function';
import { LocalRunner } from '../../src/runner/local-runner';

// The library's own construct, run by the local runner: its function is found by the
// construct's path, its alias runs the published version, and its async settings
// (on the alias) decide the retries of Event invocations through the alias.

let assemblyDir: string;
let attemptsFile: string;
let runner: LocalRunner;
beforeAll(() => {
  attemptsFile = path.join(tempDir(), 'attempts');
  assemblyDir = synth((app) => {
    const stack = new Stack(app, 'Library');
    new CustomRuntimeFunction(stack, 'Echo', {
      code: lambda.Code.fromAsset(HANDLERS_DIR),
      handler: 'function.echo_event',
    });
    new CustomRuntimeFunction(stack, 'Failing', {
      code: lambda.Code.fromAsset(HANDLERS_DIR),
      handler: 'function.count_and_fail',
      deadLetterQueueEnabled: true,
      retryAttempts: 1,
      environment: { ATTEMPTS_FILE: attemptsFile },
    });
  });
});
beforeEach(() => {
  runner = LocalRunner.open(assemblyDir, { dlqDir: path.join(tempDir(), 'dlq'), onWarning: () => undefined });
});
afterEach(() => runner.close());
afterAll(() => removeTempDirs());

test('a CustomRuntimeFunction is found by its own construct path and runs on the shell runtime', async () => {
  const res = await runner.invoke({ functionName: 'Library/Echo', payload: '{"library":true}' });
  expect(res.functionError).toBeUndefined();
  expect(res.executedVersion).toBe('$LATEST');
  expect(JSON.parse(res.payload.toString())).toEqual({ library: true });
});

test('its alias runs version 1', async () => {
  const res = await runner.invoke({ functionName: 'Library/Echo', qualifier: 'live', payload: '1' });
  expect(res.executedVersion).toBe('1');
  expect(res.payload.toString()).toBe('1');
});

test('Event invocations through the alias use the alias\'s retryAttempts and reach the dead-letter queue', async () => {
  fs.rmSync(attemptsFile, { force: true });
  const res = await runner.invoke({ functionName: 'Library/Failing', qualifier: 'live', invocationType: 'Event', payload: '{"n":1}' });
  expect(res.statusCode).toBe(202);
  await runner.waitForAsync();
  expect(fs.readFileSync(attemptsFile, 'utf8').trim().split('\n')).toHaveLength(2);
  const fn = runner.assembly.findFunction('Library/Failing').fn;
  const [letter] = fs.readFileSync(runner.dlqFile(fn), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(letter).toMatchObject({ qualifier: 'live', approximateInvokeCount: 2, body: '{"n":1}' });
});
