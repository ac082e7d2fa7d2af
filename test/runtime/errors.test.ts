/**
 * How the shell runtime reports failures: handler errors, init errors, and
 * what the Runtime API answers.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeEachTransport, FIXTURES, RuntimeHarness } from './harness';
import { InvocationResult } from '../../src/runner/runtime-api-server';

interface ErrorBody {
  readonly errorMessage: string;
  readonly errorType: string;
  readonly stackTrace: unknown[];
}

/** Asserts an error report in the documented shape and returns its parsed body. */
function errorReport(result: InvocationResult, errorType: string): ErrorBody {
  expect(result.kind).toBe('error');
  if (result.kind !== 'error') {
    throw new Error('not an error report');
  }
  expect(result.errorType).toBe(errorType);
  expect(result.errorType).toMatch(/^[A-Z][A-Za-z]+\.[A-Z][A-Za-z]+$/);
  const body = JSON.parse(result.body.toString('utf8')) as ErrorBody;
  expect(Object.keys(body).sort()).toEqual(['errorMessage', 'errorType', 'stackTrace']);
  expect(body.errorType).toBe(errorType);
  expect(typeof body.errorMessage).toBe('string');
  expect(Array.isArray(body.stackTrace)).toBe(true);
  // Valid UTF-8 too: decoding is lossless
  expect(Buffer.from(result.body.toString('utf8')).equals(result.body)).toBe(true);
  return body;
}

describeEachTransport('a failing handler', () => {
  let runtime: RuntimeHarness;
  afterEach(async () => { await runtime?.stop(); });

  test('is reported as Handler.NonZeroExit with valid JSON, whatever it printed; the next invocation succeeds', async () => {
    // GIVEN
    runtime = await RuntimeHarness.start({ handler: 'fail.sometimes' });
    // WHEN
    const failed = await runtime.invoke('fail');
    // THEN the message says the status and carries the handler's stdout, escaped
    const body = errorReport(failed, 'Handler.NonZeroExit');
    expect(body.errorMessage).toBe(
      'Handler \'fail.sometimes\' exited with status 3: '
      + 'He said "no" \\ to C:\\path\ttab\rCR\x01\x02\x1b[31mred\x7f ünïcødé ✓ 🚀');
    expect(failed.body.toString()).toContain('\\u0001\\u0002\\u001b[31m');
    // its stderr went to the log
    await runtime.waitForLog('to stderr: "quoted" back\\slash');
    // AND the loop goes on
    expect(await runtime.respond('next')).toBe('fine: next');
    expect(errorReport(await runtime.invoke('fail'), 'Handler.NonZeroExit').errorMessage).toMatch(/status 3/);
    expect(await runtime.respond('again')).toBe('fine: again');
  });

  test('that printed nothing', async () => {
    runtime = await RuntimeHarness.start({ handler: 'fail.silent' });
    expect(errorReport(await runtime.invoke('{}'), 'Handler.NonZeroExit').errorMessage)
      .toBe('Handler \'fail.silent\' exited with status 42 and printed nothing on stdout');
  });

  test('that printed invalid UTF-8 and NUL bytes: still valid JSON', async () => {
    runtime = await RuntimeHarness.start({ handler: 'fail.bad_bytes' });
    const body = errorReport(await runtime.invoke('{}'), 'Handler.NonZeroExit');
    expect(body.errorMessage).toBe('Handler \'fail.bad_bytes\' exited with status 1: bad \ufffd\ufffd bytes  after NUL');
    expect(runtime.log).not.toMatch(/null byte/);
  });

  test('that printed a lot: the message keeps a bounded tail, cut on a character boundary', async () => {
    runtime = await RuntimeHarness.start({ handler: 'fail.long_output' });
    const body = errorReport(await runtime.invoke('{}'), 'Handler.NonZeroExit');
    expect(Buffer.byteLength(body.errorMessage)).toBeLessThan(2200);
    expect(body.errorMessage).toMatch(/^Handler 'fail.long_output' exited with status 1: .*\nline 1999 ✓$/s);
    expect(body.errorMessage).not.toContain('\ufffd');
  });

  test('that calls exit, or is killed: only the handler ends, not the runtime', async () => {
    runtime = await RuntimeHarness.start({ handler: 'fail.exits' });
    expect(errorReport(await runtime.invoke('{}'), 'Handler.NonZeroExit').errorMessage)
      .toBe('Handler \'fail.exits\' exited with status 7: bye');
    expect(errorReport(await runtime.invoke('{}'), 'Handler.NonZeroExit').errorMessage).toMatch(/status 7/);
    await runtime.stop();

    runtime = await RuntimeHarness.start({ handler: 'fail.killed' });
    expect(errorReport(await runtime.invoke('{}'), 'Handler.NonZeroExit').errorMessage)
      .toBe('Handler \'fail.killed\' exited with status 137 (killed by signal 9) and printed nothing on stdout');
    expect(errorReport(await runtime.invoke('{}'), 'Handler.NonZeroExit').errorMessage).toMatch(/signal 9/);
  });

  test('a handler in strict mode that reads an unset variable fails its invocation only', async () => {
    runtime = await RuntimeHarness.start({ handler: 'strict.unset_variable' });
    errorReport(await runtime.invoke('{}'), 'Handler.NonZeroExit');
    await runtime.waitForLog(/NOT_SET_ANYWHERE: unbound variable/);
    errorReport(await runtime.invoke('{}'), 'Handler.NonZeroExit');
  });
});

describeEachTransport('init errors: posted as JSON to /runtime/init/error, then the runtime exits non-zero', () => {
  let runtime: RuntimeHarness;
  let taskRoot: string;
  beforeEach(() => { taskRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'task-root-')); });
  afterEach(async () => {
    await runtime?.stop();
    fs.rmSync(taskRoot, { recursive: true, force: true });
  });

  async function expectInitError(handler: string, errorType: string, message: RegExp, root: string = FIXTURES): Promise<void> {
    // WHEN
    runtime = await RuntimeHarness.start({ handler, taskRoot: root });
    const exit = await runtime.waitForExit();
    // THEN
    expect(exit.code).toBe(1);
    expect(runtime.server.initErrors).toHaveLength(1);
    const initError = runtime.server.initErrors[0];
    expect(initError.errorType).toBe(errorType);
    const body = JSON.parse(initError.body.toString()) as ErrorBody;
    expect(body).toEqual({ errorMessage: expect.stringMatching(message), errorType, stackTrace: [] });
    expect(runtime.server.nextCalls).toBe(0);
    // nothing left behind in TMPDIR
    expect(runtime.tmpEntries()).toEqual([]);
  }

  test('handler file missing', async () => {
    await expectInitError('missing.handler', 'Runtime.HandlerFileNotFound', /missing\.sh does not exist/);
  });

  test('handler file unreadable (a directory named like it: tests run as root, who reads any file)', async () => {
    fs.mkdirSync(path.join(taskRoot, 'dir.sh'));
    await expectInitError('dir.handler', 'Runtime.HandlerFileUnreadable', /dir\.sh is not a readable regular file/, taskRoot);
  });

  test('function not defined after sourcing', async () => {
    await expectInitError('init/no-function.handler', 'Runtime.NoSuchHandler', /no-function\.sh does not define a function named 'handler'/);
  });

  test('the file fails while it is sourced', async () => {
    await expectInitError('init/sourcing-fails.handler', 'Runtime.InitError', /sourcing-fails\.sh failed with status 1$/);
    expect(runtime.log).toContain('about to fail at init');
  });

  test('the file has a syntax error', async () => {
    fs.writeFileSync(path.join(taskRoot, 'syntax.sh'), 'handler() {\n  if then\n}\n');
    await expectInitError('syntax.handler', 'Runtime.InitError', /syntax\.sh failed with status [12]$/, taskRoot);
  });

  test('the file calls exit while it is sourced', async () => {
    await expectInitError('init/exits.handler', 'Runtime.InitError', /exits\.sh called exit 0 while it was being sourced/);
  });

  test.each([
    ['no dot', 'handler'],
    ['empty', ''],
    ['empty function', 'echo.'],
    ['empty file', '.handler'],
    ['parent directory', '../fixtures/runtime/echo.echo_event'],
    ['absolute path', '/etc/passwd.x'],
    ['spaces', 'echo.echo event'],
    ['command substitution', 'echo.$(touch pwned)'],
  ])('_HANDLER malformed: %s', async (_, handler) => {
    await expectInitError(handler, 'Runtime.MalformedHandlerName', /^Bad handler '.*': expected FILE\.FUNCTION/);
  });

  test('_HANDLER unset', async () => {
    runtime = await RuntimeHarness.start({ handler: 'x', env: { _HANDLER: undefined } });
    expect((await runtime.waitForExit()).code).toBe(1);
    expect(runtime.server.initErrors[0].errorType).toBe('Runtime.MalformedHandlerName');
  });

  test('LAMBDA_TASK_ROOT not a directory', async () => {
    await expectInitError('echo.echo_event', 'Runtime.ConfigInvalid', /LAMBDA_TASK_ROOT '.*nowhere' is not a directory/, path.join(taskRoot, 'nowhere'));
  });

  test('AWS_LAMBDA_RUNTIME_API unset: a clear message, exit status 2', async () => {
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_event', env: { AWS_LAMBDA_RUNTIME_API: undefined } });
    expect((await runtime.waitForExit()).code).toBe(2);
    expect(runtime.log).toMatch(/AWS_LAMBDA_RUNTIME_API is not set/);
  });
});

describeEachTransport('Runtime API answers', () => {
  let runtime: RuntimeHarness;
  afterEach(async () => { await runtime?.stop(); });

  test('413 on the response (server limit): reported as Function.ResponseSizeTooLarge, then the loop goes on', async () => {
    // GIVEN a server that accepts responses up to 1000 bytes
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_event', server: { maxResponseBytes: 1000 } });
    // WHEN
    const tooLarge = await runtime.invoke('x'.repeat(1001));
    // THEN
    const body = errorReport(tooLarge, 'Function.ResponseSizeTooLarge');
    expect(body.errorMessage).toMatch(/1001 bytes/);
    expect(await runtime.respond('x'.repeat(1000))).toBe('x'.repeat(1000));
    expect(runtime.server.protocolErrors).toEqual([expect.stringMatching(/^413 RequestEntityTooLarge: response of 1001 bytes/)]);
  });

  test('413 on the response at the default 6 MB limit', async () => {
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_event' });
    errorReport(await runtime.invoke(Buffer.alloc(6 * 1024 * 1024 + 1, 'z')), 'Function.ResponseSizeTooLarge');
    expect((await runtime.invoke(Buffer.alloc(6 * 1024 * 1024, 'z'))).body.length).toBe(6 * 1024 * 1024);
  });

  test('413 injected: reported for that invocation', async () => {
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_event' });
    runtime.server.failNextPost(413);
    errorReport(await runtime.invoke('small'), 'Function.ResponseSizeTooLarge');
    expect(await runtime.respond('small')).toBe('small');
  });

  test('another 4xx on the response: reported as Runtime.ResponseRejected', async () => {
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_event' });
    runtime.server.failNextPost(400);
    errorReport(await runtime.invoke('small'), 'Runtime.ResponseRejected');
    await runtime.waitForLog(/HTTP 400 to the response/);
    expect(await runtime.respond('small')).toBe('small');
  });

  test('500 on the response: the runtime exits non-zero and leaves nothing behind', async () => {
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_event' });
    expect(await runtime.respond('one')).toBe('one');
    runtime.server.failNextPost(500);
    await expect(runtime.invoke('two')).rejects.toThrow(/runtime exited/);
    expect((await runtime.waitForExit()).code).toBe(1);
    expect(runtime.log).toMatch(/HTTP 500 .*container error/);
    expect(runtime.tmpEntries()).toEqual([]);
  });

  test('the Runtime API goes away: the runtime exits non-zero', async () => {
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_event' });
    expect(await runtime.respond('one')).toBe('one');
    await runtime.server.close();
    expect((await runtime.waitForExit()).code).toBe(1);
    expect(runtime.log).toMatch(/cannot reach the Runtime API/);
  });

  test('SIGTERM during the long poll: the runtime exits at once and removes its scratch directory', async () => {
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_event' });
    expect(await runtime.respond('one')).toBe('one');
    expect(runtime.tmpEntries().length).toBeGreaterThan(0);
    // (in the long poll: a signal bash takes just before it blocks in read(2) waits for the read)
    await runtime.idleFds(2);
    const started = Date.now();
    runtime.child.kill('SIGTERM');
    const exit = await runtime.waitForExit(2000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(exit.code).toBe(143);
    expect(runtime.tmpEntries()).toEqual([]);
  });
});

describeEachTransport('killed with SIGKILL', () => {
  let runtime: RuntimeHarness;
  afterEach(async () => { await runtime?.stop(); });

  test('the scratch directory it leaves is removed by the next runtime to start in that TMPDIR', async () => {
    // GIVEN a runtime killed with SIGKILL (no trap runs)
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_event' });
    expect(await runtime.respond('one')).toBe('one');
    const leftover = runtime.tmpEntries().filter((entry) => !entry.includes('/'));
    expect(leftover).toEqual([expect.stringMatching(new RegExp(`^lambda-bootstrap\\.${runtime.pid}\\.`))]);
    process.kill(runtime.pid, 'SIGKILL');
    await runtime.waitForExit();
    // AND the scratch directory of a runtime that is still running (this test's own pid stands in for it)
    const live = path.join(runtime.tmpdir, `lambda-bootstrap.${process.pid}.livelive`);
    fs.mkdirSync(live);
    // WHEN another runtime starts with the same TMPDIR
    const next = await RuntimeHarness.start({ handler: 'echo.echo_event', env: { TMPDIR: runtime.tmpdir } });
    try {
      expect(await next.respond('two')).toBe('two');
      // THEN the dead runtime's directory is gone, the live one's kept
      const entries = fs.readdirSync(runtime.tmpdir).sort();
      expect(entries).not.toContain(leftover[0]);
      expect(entries).toContain(path.basename(live));
      expect(entries.filter((entry) => entry.startsWith(`lambda-bootstrap.${next.pid}.`))).toHaveLength(1);
    } finally {
      await next.stop();
    }
  });
});
