/**
 * The Extensions API in the local runner: a bash extension in a test layer
 * (test/fixtures/runner/extension-layer/extensions/recorder) next to the shell
 * runtime layer, and a runtime that registers an internal extension.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { fixtureLayer, removeTempDirs, RUNNER_FIXTURES, runtimeLayer, shellFunction, synth, tempDir } from './assembly';
import { isAlive } from './processes';
import { LocalRunner } from '../../src/runner/local-runner';

const runners: LocalRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});
afterAll(() => removeTempDirs());

interface Setup {
  readonly runner: LocalRunner;
  /** What the extension, the handler and the internal extension appended, one entry per line. */
  lines(): string[];
  /** What the runner logged (runtime and extension output, START / END / REPORT). */
  log(): string;
}

/** One function with the shell runtime and the recorder extension; `environment` sets the recorder's switches. */
function setup(environment: Record<string, string> = {}, handler = 'log_event', timeout = 10, layer = 'extension-layer'): Setup {
  const extensionLog = path.join(tempDir(), 'extension.log');
  const app = synth((a) => {
    const stack = new Stack(a, 'ExtensionsTest');
    shellFunction(stack, 'Fn', {
      handler,
      timeout,
      layers: [runtimeLayer(stack), fixtureLayer(stack, 'Recorder', layer)],
      environment: { EXTENSION_LOG: extensionLog, ...environment },
    });
  });
  let log = '';
  const runner = LocalRunner.open(app, { onWarning: () => undefined, onLog: (text) => (log += text) });
  runners.push(runner);
  return {
    runner,
    lines: () => (fs.existsSync(extensionLog) ? fs.readFileSync(extensionLog, 'utf8').trim().split('\n') : []),
    log: () => log,
  };
}

function json(buffer: Buffer): any {
  return JSON.parse(buffer.toString('utf8'));
}

/** The parsed `event <json>` lines of the recorder. */
function events(lines: string[]): any[] {
  return lines.filter((l) => l.startsWith('event ')).map((l) => JSON.parse(l.slice('event '.length)));
}

/** Waits until `condition` holds, checking every 20 ms (no time limit: jest's test timeout applies). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('an external extension', () => {
  test('registers before the runtime starts, sees INVOKE for each invocation and SHUTDOWN at the end', async () => {
    // GIVEN
    const { runner, lines, log } = setup();
    // WHEN
    const first = await runner.invoke({ functionName: 'Fn', payload: '{"n":1}' });
    const second = await runner.invoke({ functionName: 'Fn', payload: '{"n":2}' });
    await runner.close();
    // THEN the register answer names the function
    const registered = lines().find((l) => l.startsWith('registered '))!;
    expect(registered).toMatch(/^registered recorder /);
    expect(JSON.parse(registered.slice('registered recorder '.length))).toEqual({
      functionName: expect.stringMatching(/^ExtensionsTest-Fn/),
      functionVersion: '$LATEST',
      handler: 'function.log_event',
    });
    // one INVOKE per invocation, with its request ID, then SHUTDOWN
    const received = events(lines());
    expect(received.map((e) => e.eventType)).toEqual(['INVOKE', 'INVOKE', 'SHUTDOWN']);
    expect(received.slice(0, 2).map((e) => e.requestId)).toEqual([first.requestId, second.requestId]);
    expect(received[0]).toEqual({
      eventType: 'INVOKE',
      requestId: first.requestId,
      deadlineMs: expect.any(Number),
      invokedFunctionArn: expect.stringMatching(/^arn:aws:lambda:us-east-1:123456789012:function:ExtensionsTest-Fn/),
      tracing: { type: 'X-Amzn-Trace-Id', value: expect.stringMatching(/^Root=1-/) },
    });
    expect(received[2]).toEqual({ eventType: 'SHUTDOWN', shutdownReason: 'spindown', deadlineMs: expect.any(Number) });
    // init waited for the extension: it was ready before the handler ran
    expect(lines().indexOf('ready')).toBeLessThan(lines().findIndex((l) => l.startsWith('handler')));
    expect(log()).toContain('EXTENSION\tName: recorder\tState: Ready\tEvents: [INVOKE,SHUTDOWN]\n');
    expect(json(first.payload)).toEqual({ ok: true });
  });

  test('delays the end of an invocation, not its answer: the next one waits for the extension', async () => {
    // GIVEN an extension that works 1 s after each INVOKE
    const { runner, lines, log } = setup({ EXTENSION_DELAY: '1' });
    // WHEN
    const first = await runner.invoke({ functionName: 'Fn', payload: '{"n":1}' });
    // THEN the caller has the answer while the extension still works on the invocation
    expect(json(first.payload)).toEqual({ ok: true });
    expect(lines()).toContain(`event ${JSON.stringify(events(lines())[0])}`);
    expect(lines()).not.toContain(`done ${first.requestId}`);
    expect(log()).not.toContain(`END RequestId: ${first.requestId}`);
    // AND the second invocation runs only after the extension called next again
    await runner.invoke({ functionName: 'Fn', payload: '{"n":2}' });
    const order = lines();
    expect(order.indexOf(`done ${first.requestId}`)).toBeGreaterThanOrEqual(0);
    expect(order.indexOf(`done ${first.requestId}`)).toBeLessThan(order.indexOf('handler {"n":2}'));
    // AND the first invocation's duration covers the extension's work
    const report = new RegExp(`REPORT RequestId: ${first.requestId}\\tDuration: ([0-9.]+) ms`).exec(log());
    expect(Number(report![1])).toBeGreaterThanOrEqual(1000);
    expect(runner.runtimeStarts).toBe(1);
  });

  test('SHUTDOWN: the extension gets its grace time, then it is killed', async () => {
    // GIVEN a warm environment
    const { runner, lines } = setup();
    await runner.invoke({ functionName: 'Fn' });
    const pid = Number(lines().find((l) => l.startsWith('pid '))!.slice('pid '.length));
    expect(isAlive(pid)).toBe(true);
    // WHEN
    await runner.close();
    // THEN
    expect(events(lines()).pop()).toMatchObject({ eventType: 'SHUTDOWN' });
    expect(isAlive(pid)).toBe(false);
  });

  test('an unregistered extension is refused: next without an identifier is 403 Extension.MissingExtensionIdentifier', async () => {
    const { runner, lines } = setup({ EXTENSION_FAIL: 'unregistered' });
    const res = await runner.invoke({ functionName: 'Fn' });
    expect(res.functionError).toBeUndefined();
    const refusal = lines().find((l) => l.startsWith('unregistered '))!;
    expect(refusal).toMatch(/ 403$/);
    expect(JSON.parse(refusal.slice('unregistered '.length, -4))).toEqual({
      errorType: 'Extension.MissingExtensionIdentifier', errorMessage: expect.any(String),
    });
  });

  test.each([
    ['init/error', { EXTENSION_FAIL: 'init' }, 'log_event', 'Extension.InitError',
      /^RequestId: [0-9a-f-]{36} Error: Extension recorder reported an init error: Extension.ConfigInvalid: no configuration$/],
    ['a crash during an invocation', { EXTENSION_FAIL: 'crash' }, 'slow', 'Extension.Crash',
      /^RequestId: [0-9a-f-]{36} Error: Extension recorder exited unexpectedly: exit status 1$/],
    ['exit/error during an invocation', { EXTENSION_FAIL: 'exit-error' }, 'slow', 'Extension.ExitError',
      /^RequestId: [0-9a-f-]{36} Error: Extension recorder reported an exit error: Extension.Gave.Up$/],
  ])('%s fails the invocation with the same error in the response and the log; the next one starts afresh', async (_, environment, handler, errorType, message) => {
    // GIVEN
    const { runner, log } = setup(environment, handler);
    // WHEN
    const res = await runner.invoke({ functionName: 'Fn', logType: 'Tail' });
    // THEN
    expect(res.functionError).toBe('Unhandled');
    const error = json(res.payload);
    expect(error.errorType).toBe(errorType);
    expect(error.errorMessage).toMatch(message);
    expect(log()).toContain(`${error.errorMessage}\n${errorType}\n`);
    expect(log()).toMatch(new RegExp(`REPORT RequestId: ${res.requestId}\\t.*Status: error\\tError Type: ${errorType.replace('.', '\\.')}`));
    // AND a fresh environment next time
    await runner.invoke({ functionName: 'Fn' });
    expect(runner.runtimeStarts).toBe(2);
  });

  test('an extension that cannot be started is Extension.LaunchError', async () => {
    const { runner, log } = setup({}, 'log_event', 10, 'extension-not-executable');
    const res = await runner.invoke({ functionName: 'Fn' });
    expect(res.functionError).toBe('Unhandled');
    expect(json(res.payload)).toEqual({
      errorType: 'Extension.LaunchError',
      errorMessage: expect.stringMatching(/^RequestId: [0-9a-f-]{36} Error: Extension broken could not be started: fork\/exec \/opt\/extensions\/broken: EACCES$/),
    });
    expect(log()).toContain('EXTENSION\tName: broken\tState: LaunchError\tEvents: []\n');
  });

  test('an extension still busy at the function\'s deadline: the answer stands, the invocation times out, the environment is reset', async () => {
    // GIVEN an extension that works 3 s after each INVOKE, in a function with a 1 s timeout
    const { runner, lines, log } = setup({ EXTENSION_DELAY: '3' }, 'log_event', 1);
    // WHEN
    const first = await runner.invoke({ functionName: 'Fn', payload: '{"n":1}' });
    await runner.invoke({ functionName: 'Fn', payload: '{"n":2}' });
    // THEN the caller got the runtime's answer
    expect(json(first.payload)).toEqual({ ok: true });
    // AND the invocation timed out in the log, and the next one ran in a new environment
    expect(log()).toContain(`${first.requestId} Task timed out after 1.00 seconds`);
    expect(log()).toMatch(new RegExp(`REPORT RequestId: ${first.requestId}\\t.*Status: timeout`));
    expect(runner.runtimeStarts).toBe(2);
    expect(lines()).not.toContain(`done ${first.requestId}`);
  });
});

describe('an internal extension', () => {
  test('the runtime registers one during its init; SHUTDOWN and late registrations are refused', async () => {
    // GIVEN a function whose own bootstrap registers an internal extension
    const extensionLog = path.join(tempDir(), 'extension.log');
    const app = synth((a) => {
      const stack = new Stack(a, 'InternalTest');
      new lambda.Function(stack, 'Fn', {
        runtime: lambda.Runtime.PROVIDED_AL2023,
        handler: 'unused',
        code: lambda.Code.fromAsset(path.join(RUNNER_FIXTURES, 'internal-extension')),
        environment: { EXTENSION_LOG: extensionLog },
      });
    });
    let log = '';
    const runner = LocalRunner.open(app, { onWarning: () => undefined, onLog: (text) => (log += text) });
    runners.push(runner);
    // WHEN
    const first = await runner.invoke({});
    await runner.invoke({});
    await until(() => fs.readFileSync(extensionLog, 'utf8').split('\n').filter((l) => l.startsWith('internal ')).length === 2);
    // THEN
    const lines = fs.readFileSync(extensionLog, 'utf8').trim().split('\n');
    expect(json(first.payload)).toEqual({ internal: true });
    expect(lines[0]).toBe('internal-shutdown 403');
    expect(lines.filter((l) => l.startsWith('late '))).toEqual(['late 403', 'late 403']);
    const received = lines.filter((l) => l.startsWith('internal ')).map((l) => JSON.parse(l.slice('internal '.length)));
    expect(received.map((e) => e.eventType)).toEqual(['INVOKE', 'INVOKE']);
    expect(received[0].requestId).toBe(first.requestId);
    expect(log).toContain('EXTENSION\tName: internal-ext\tState: Ready\tEvents: [INVOKE]\n');
  });
});
