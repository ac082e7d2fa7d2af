import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { envOf, fixtureLayer, fixtureRuntimeLayer, removeTempDirs, runtimeLayer, RUNNER_FIXTURES, shellFunction, synth, synthFunctions, tempDir } from './assembly';
import { isAlive } from './processes';
import { LocalRunner } from '../../src/runner/local-runner';

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

// One app for most tests: synthesized once.
let app: string;
let childPidFile: string;
beforeAll(() => {
  childPidFile = path.join(tempDir(), 'child.pid');
  app = synth((a) => {
    const stack = new Stack(a, 'RunnerTest');
    shellFunction(stack, 'Echo', { handler: 'echo_event' });
    shellFunction(stack, 'Logs', { handler: 'logs' });
    shellFunction(stack, 'Fail', { handler: 'fail' });
    shellFunction(stack, 'Missing', { handler: 'does_not_exist' });
    shellFunction(stack, 'KilledInInit', { handler: 'echo_event', environment: { FIXTURE_KILL_IN_INIT: '1' } });
    // The fixture runtime: another runtime than the shell runtime, one that exits without a word.
    shellFunction(stack, 'ExitInInit', { handler: 'echo_event', layers: [fixtureRuntimeLayer(stack)], environment: { FIXTURE_EXIT_IN_INIT: '7' } });
    shellFunction(stack, 'OtherRuntime', { handler: 'context', layers: [fixtureRuntimeLayer(stack)] });
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
    shellFunction(stack, 'Slow', { handler: 'slow', timeout: 1, environment: { CHILD_PID_FILE: childPidFile } });
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
    expect(json(res.payload)).toMatchObject({ errorType: 'Handler.NonZeroExit', errorMessage: expect.stringContaining('exited with status 3') });
  });

  test('LogType Tail returns the last 4 KB of the log with START, END and REPORT lines and the handler stderr', async () => {
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'Logs', logType: 'Tail' });
    const log = Buffer.from(res.logResult!, 'base64').toString('utf8');
    expect(log).toContain('handler says hello on stderr');
    // a cold start's log begins with what the runtime wrote during init
    expect(log.indexOf('handler file sourced')).toBeLessThan(log.indexOf('START'));
    expect(log).toMatch(new RegExp(`^START RequestId: ${res.requestId} Version: \\$LATEST$`, 'm'));
    expect(log).toMatch(new RegExp(`^END RequestId: ${res.requestId}$`, 'm'));
    expect(log).toMatch(new RegExp(`^REPORT RequestId: ${res.requestId}\\tDuration: [0-9.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: [0-9.]+ ms`, 'm'));
    expect(log.indexOf('START')).toBeLessThan(log.indexOf('handler says hello'));
    expect(log.indexOf('handler says hello')).toBeLessThan(log.indexOf('END RequestId'));

    // The second (warm) invocation has no Init Duration and no init output.
    const warm = await runner.invoke({ functionName: 'Logs', logType: 'Tail' });
    const warmLog = Buffer.from(warm.logResult!, 'base64').toString('utf8');
    expect(warmLog).not.toContain('Init Duration');
    expect(warmLog).not.toContain('handler file sourced');
    expect(runner.runtimeStarts).toBe(1);
  });

  test('without LogType Tail there is no LogResult', async () => {
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'Logs' });
    expect(res.logResult).toBeUndefined();
  });
});

describe('init', () => {
  test('a runtime that posts /runtime/init/error gives the caller its error as a function error', async () => {
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'Missing', logType: 'Tail' });
    expect(res.statusCode).toBe(200);
    expect(res.functionError).toBe('Unhandled');
    expect(json(res.payload)).toEqual({
      errorMessage: expect.stringMatching(/does not define a function named 'does_not_exist'$/),
      errorType: 'Runtime.NoSuchHandler',
      stackTrace: [],
    });
    // Lambda starts a fresh environment for the next invocation.
    await runner.invoke({ functionName: 'Missing' });
    expect(runner.runtimeStarts).toBe(2);
  });

  test('a runtime killed during init is Runtime.ExitError', async () => {
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'KilledInInit' });
    expect(res.functionError).toBe('Unhandled');
    expect(json(res.payload)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${res.requestId} Error: Runtime exited with error: signal: killed`,
    });
  });

  test('a runtime that exits before asking for an event is Runtime.ExitError with its exit status', async () => {
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'ExitInInit', logType: 'Tail' });
    expect(res.functionError).toBe('Unhandled');
    expect(json(res.payload)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${res.requestId} Error: Runtime exited with error: exit status 7`,
    });
    const log = Buffer.from(res.logResult!, 'base64').toString('utf8');
    expect(log).toContain('fixture runtime: exiting during init');
    expect(log).toContain('Status: error\tError Type: Runtime.ExitError');
  });

  test('a runtime that dies mid-invocation is Runtime.ExitError, and the next invocation gets a new runtime', async () => {
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'Crash' });
    expect(json(res.payload)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${res.requestId} Error: Runtime exited with error: signal: killed`,
    });
    await runner.invoke({ functionName: 'Crash' });
    expect(runner.runtimeStarts).toBe(2);
  });

  test.each([
    ['NoBootstrap', 'no bootstrap anywhere'],
    ['NotExecutable', 'a bootstrap without the executable bit'],
  ])('%s (%s) is Runtime.InvalidEntrypoint naming Lambda\'s bootstrap paths', async (functionName) => {
    const runner = open(app);
    const res = await runner.invoke({ functionName });
    expect(res.statusCode).toBe(200);
    expect(res.functionError).toBe('Unhandled');
    expect(json(res.payload)).toEqual({
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: `RequestId: ${res.requestId} Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]`,
    });
  });

  test('the bootstrap of the deployment package wins over the layers\' one', async () => {
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'OwnBootstrap' });
    expect(json(res.payload)).toBe('from the code package bootstrap');
  });

  test('layers are merged in order into the runtime directory, later ones overwriting earlier ones, with bin on PATH', async () => {
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'Layers' });
    expect(res.functionError).toBeUndefined();
    expect(json(res.payload)).toBe('from layer b');
  });
});

describe('any custom runtime', () => {
  test('a runtime other than the shell runtime gets the event, trace header and client context', async () => {
    const runner = open(app);
    const res = await runner.invoke({
      functionName: 'OtherRuntime', payload: '{"x":1}', clientContext: Buffer.from('{"client":{"id":"c"}}').toString('base64'),
    });
    expect(json(res.payload)).toEqual({ trace: expect.stringMatching(/^Root=1-/), clientContext: { client: { id: 'c' } }, bytes: 7 });
  });
});

describe('timeout', () => {
  test('kills the runtime and its children after Timeout, answers like Lambda, and restarts for the next invocation', async () => {
    // GIVEN a function with Timeout 1 whose handler sleeps and leaves a child process
    const runner = open(app);
    fs.rmSync(childPidFile, { force: true });
    // WHEN
    const started = Date.now();
    const res = await runner.invoke({ functionName: 'Slow', logType: 'Tail' });
    // THEN
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.statusCode).toBe(200);
    expect(res.functionError).toBe('Unhandled');
    expect(json(res.payload)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${res.requestId} Error: Task timed out after 1.00 seconds`,
    });
    const log = Buffer.from(res.logResult!, 'base64').toString('utf8');
    expect(log).toMatch(new RegExp(`Z ${res.requestId} Task timed out after 1.00 seconds`));
    expect(log).toContain('Status: timeout');
    // the handler's child died with the runtime's process group
    const childPid = Number(fs.readFileSync(childPidFile, 'utf8'));
    expect(isAlive(childPid)).toBe(false);

    // AND the next invocation runs in a new runtime
    const next = await runner.invoke({ functionName: 'Echo', payload: '1' });
    expect(next.payload.toString()).toBe('1');
    const again = await runner.invoke({ functionName: 'Slow' });
    expect(again.functionError).toBe('Unhandled');
    expect(runner.runtimeStarts).toBe(3);
  });
});


describe('payload limits and validation', () => {
  test('a response over 6 MB is the function error Function.ResponseSizeTooLarge, in Lambda\'s words', async () => {
    // The Runtime API answers the runtime 413; whatever the runtime reports next, the caller gets Lambda's error.
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'Big' });
    expect(res.statusCode).toBe(200);
    expect(res.functionError).toBe('Unhandled');
    expect(json(res.payload)).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291456 bytes).',
    });
    // and the runtime goes on: the next invocation is answered by the same process
    const next = await runner.invoke({ functionName: 'Big' });
    expect(json(next.payload).errorType).toBe('Function.ResponseSizeTooLarge');
    expect(runner.runtimeStarts).toBe(1);
  });

  test('a request over 6 MB is RequestTooLargeException (413), and the function does not run', async () => {
    const runner = open(app);
    const payload = `"${'x'.repeat(6 * 1024 * 1024)}"`;
    await expect(runner.invoke({ functionName: 'Echo', payload })).rejects.toMatchObject({
      errorType: 'RequestTooLargeException',
      statusCode: 413,
      message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    });
    expect(runner.runtimeStarts).toBe(0);
  });

  test('a payload of exactly 6 MB is accepted', async () => {
    const runner = open(app);
    const payload = `"${'x'.repeat(6 * 1024 * 1024 - 2)}"`;
    const res = await runner.invoke({ functionName: 'Context', payload });
    expect(json(res.payload).bytes).toBe(6 * 1024 * 1024);
  });

  test('a payload that is not JSON is InvalidRequestContentException (400)', async () => {
    const runner = open(app);
    await expect(runner.invoke({ functionName: 'Echo', payload: 'value' })).rejects.toMatchObject({
      errorType: 'InvalidRequestContentException',
      statusCode: 400,
      message: expect.stringMatching(/^Could not parse request body into json: /),
    });
  });

  test('an unknown function is ResourceNotFoundException (404) listing the candidates', async () => {
    const runner = open(app);
    await expect(runner.invoke({ functionName: 'Nope' })).rejects.toMatchObject({
      errorType: 'ResourceNotFoundException',
      statusCode: 404,
      message: expect.stringMatching(/^Function not found: arn:aws:lambda:us-east-1:123456789012:function:Nope\. Candidates: .*Echo[0-9A-F]{8} \(RunnerTest\/Echo\/Resource\)/),
    });
  });

  test('an unknown qualifier is ResourceNotFoundException', async () => {
    const runner = open(app);
    await expect(runner.invoke({ functionName: 'Aliased', qualifier: 'nope' })).rejects.toMatchObject({
      errorType: 'ResourceNotFoundException',
      message: expect.stringContaining('Qualifiers of RunnerTest/Aliased/Resource in the cloud assembly: $LATEST, 1, live'),
    });
    await expect(runner.invoke({ functionName: 'Aliased', qualifier: '2' })).rejects.toMatchObject({ errorType: 'ResourceNotFoundException' });
  });

  test('an unknown invocation type or log type is InvalidParameterValueException', async () => {
    const runner = open(app);
    await expect(runner.invoke({ functionName: 'Echo', invocationType: 'Sync' })).rejects.toMatchObject({ errorType: 'InvalidParameterValueException' });
    await expect(runner.invoke({ functionName: 'Echo', logType: 'All' })).rejects.toMatchObject({ errorType: 'InvalidParameterValueException' });
  });
});

describe('qualifiers and invocation types', () => {
  test('an alias runs the version it points to, reported as ExecutedVersion and AWS_LAMBDA_FUNCTION_VERSION', async () => {
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'Aliased', qualifier: 'live' });
    expect(res.executedVersion).toBe('1');
    expect(envOf(res.payload).AWS_LAMBDA_FUNCTION_VERSION).toBe('1');
    // `name:alias` works too, and the version itself shares the alias's environment
    const byName = await runner.invoke({ functionName: 'Aliased:live' });
    expect(byName.executedVersion).toBe('1');
    const byVersion = await runner.invoke({ functionName: 'Aliased', qualifier: '1' });
    expect(byVersion.executedVersion).toBe('1');
    expect(runner.runtimeStarts).toBe(1);
    const latest = await runner.invoke({ functionName: 'Aliased', qualifier: '$LATEST' });
    expect(latest.executedVersion).toBe('$LATEST');
    expect(envOf(latest.payload).AWS_LAMBDA_FUNCTION_VERSION).toBe('$LATEST');
  });

  test('DryRun validates and answers 204 without running the function', async () => {
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'Echo', invocationType: 'DryRun', payload: '{}' });
    expect(res.statusCode).toBe(204);
    expect(res.payload.length).toBe(0);
    expect(res.executedVersion).toBeUndefined();
    expect(runner.runtimeStarts).toBe(0);
    await expect(runner.invoke({ functionName: 'Nope', invocationType: 'DryRun' })).rejects.toMatchObject({ errorType: 'ResourceNotFoundException' });
  });

  test('the trace header reaches the runtime, sampled when tracing is active', async () => {
    const runner = open(app);
    const res = await runner.invoke({ functionName: 'Context' });
    expect(json(res.payload).trace).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/);
  });
});

describe('staging', () => {
  test('happens once per asset: functions with the same code and layers share the staged directories', async () => {
    // (the host's layout, so that the runtime's LAMBDA_TASK_ROOT is the staged directory)
    const runner = open(app, { layout: 'host' });
    const env = envOf((await runner.invoke({ functionName: 'Env' })).payload);
    const other = envOf((await runner.invoke({ functionName: 'Aliased', qualifier: 'live' })).payload);
    expect(other.LAMBDA_TASK_ROOT).toBe(env.LAMBDA_TASK_ROOT);
    expect(other.LAMBDA_RUNTIME_DIR).toBe(env.LAMBDA_RUNTIME_DIR);
    // the task root is a copy, not the cloud assembly's asset directory
    expect(env.LAMBDA_TASK_ROOT.startsWith(path.dirname(app))).toBe(false);
    expect(fs.readdirSync(env.LAMBDA_TASK_ROOT)).toEqual(['function.sh']);
    expect(fs.readdirSync(env.LAMBDA_RUNTIME_DIR)).toContain('bootstrap');
  });
});

describe('cleanup', () => {
  test('close() kills the runtimes and removes the staged directories', async () => {
    const runner = open(app, { layout: 'host' });
    const res = await runner.invoke({ functionName: 'Env' });
    const env = envOf(res.payload);
    const taskRoot = env.LAMBDA_TASK_ROOT;
    expect(fs.existsSync(taskRoot)).toBe(true);
    await runner.close();
    expect(fs.existsSync(taskRoot)).toBe(false);
    expect(fs.existsSync(env.LAMBDA_RUNTIME_DIR)).toBe(false);
    await expect(runner.invoke({ functionName: 'Env' })).rejects.toMatchObject({ errorType: 'ServiceException' });
  });
});

describe('Event invocations', () => {
  test('a failing event is attempted 3 times by default, then written to the local dead-letter queue', async () => {
    // GIVEN a function with a DLQ and default async settings
    const work = tempDir();
    const attemptsFile = path.join(work, 'attempts');
    const assembly = synthFunctions({
      Failing: { handler: 'count_and_fail', deadLetterQueueEnabled: true, environment: { ATTEMPTS_FILE: attemptsFile } },
    });
    const runner = open(assembly);
    // WHEN
    const res = await runner.invoke({ functionName: 'Failing', invocationType: 'Event', payload: '{"order":42}' });
    expect(res.statusCode).toBe(202);
    expect(res.payload.length).toBe(0);
    await runner.waitForAsync();
    // THEN
    expect(fs.readFileSync(attemptsFile, 'utf8').trim().split('\n')).toHaveLength(3);
    const dlqFile = path.join(path.dirname(assembly), '.local-runner', 'dlq', `${runner.assembly.functions[0].logicalId}.jsonl`);
    expect(runner.dlqFile(runner.assembly.functions[0])).toBe(dlqFile);
    const lines = fs.readFileSync(dlqFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([{
      timestamp: expect.any(String),
      functionName: runner.assembly.functions[0].functionName,
      qualifier: '$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
      body: '{"order":42}',
      RequestID: res.requestId,
      ErrorCode: 200,
      ErrorMessage: expect.stringMatching(/^Handler 'function.count_and_fail' exited with status 1/),
    }]);
  });

  test('retryAttempts on the function and on an alias decide the number of attempts of each qualifier', async () => {
    const work = tempDir();
    const attemptsFile = path.join(work, 'attempts');
    const dlqDir = path.join(work, 'dlq');
    const assembly = synth((a) => {
      const stack = new Stack(a, 'Async');
      const fn = shellFunction(stack, 'Failing', {
        handler: 'count_and_fail', deadLetterQueueEnabled: true, retryAttempts: 1, environment: { ATTEMPTS_FILE: attemptsFile },
      });
      const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion });
      alias.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    });
    const runner = open(assembly, { dlqDir });

    await runner.invoke({ functionName: 'Failing', invocationType: 'Event' });
    await runner.waitForAsync();
    expect(fs.readFileSync(attemptsFile, 'utf8').trim().split('\n')).toHaveLength(2);

    fs.rmSync(attemptsFile);
    await runner.invoke({ functionName: 'Failing', qualifier: 'live', invocationType: 'Event' });
    await runner.waitForAsync();
    expect(fs.readFileSync(attemptsFile, 'utf8').trim().split('\n')).toHaveLength(1);

    const lines = fs.readFileSync(path.join(dlqDir, `${runner.assembly.functions[0].logicalId}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.qualifier, l.approximateInvokeCount])).toEqual([['$LATEST', 2], ['live', 1]]);
  });

  test('an event older than the maximum event age is not attempted again', async () => {
    const work = tempDir();
    const attemptsFile = path.join(work, 'attempts');
    const assembly = synthFunctions({
      Failing: {
        handler: 'count_and_fail', deadLetterQueueEnabled: true, maxEventAge: Duration.minutes(1), environment: { ATTEMPTS_FILE: attemptsFile },
      },
    });
    // A clock read when the event is queued, before its first attempt, and 2 minutes later before its second.
    let reads = 0;
    const runner = open(assembly, { dlqDir: path.join(work, 'dlq'), clock: () => (reads++ < 2 ? 0 : 120_000) });
    await runner.invoke({ functionName: 'Failing', invocationType: 'Event' });
    await runner.waitForAsync();
    expect(fs.readFileSync(attemptsFile, 'utf8').trim().split('\n')).toHaveLength(1);
    const [line] = fs.readFileSync(runner.dlqFile(runner.assembly.functions[0]), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(line).toMatchObject({ condition: 'EventAgeExceeded', approximateInvokeCount: 1 });
  });

  test('without a dead-letter queue a failed event is dropped with a notice', async () => {
    const work = tempDir();
    const assembly = synthFunctions({ Failing: { handler: 'fail', retryAttempts: 0 } });
    const notices: string[] = [];
    const runner = open(assembly, { dlqDir: path.join(work, 'dlq'), onWarning: (m) => notices.push(m) });
    await runner.invoke({ functionName: 'Failing', invocationType: 'Event' });
    await runner.waitForAsync();
    expect(notices).toEqual([expect.stringMatching(/failed 1 attempt\(s\) and is dropped: the function has no dead-letter queue/)]);
    expect(fs.existsSync(path.join(work, 'dlq'))).toBe(false);
  });

  test('a successful event is not retried', async () => {
    const work = tempDir();
    const assembly = synthFunctions({ Ok: { handler: 'logs', deadLetterQueueEnabled: true } });
    const runner = open(assembly, { dlqDir: path.join(work, 'dlq') });
    await runner.invoke({ functionName: 'Ok', invocationType: 'Event' });
    await runner.waitForAsync();
    expect(runner.runtimeStarts).toBe(1);
    expect(fs.existsSync(path.join(work, 'dlq'))).toBe(false);
  });
});
