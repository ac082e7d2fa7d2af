/**
 * The shell runtime (runtime/shell/bootstrap) against a Runtime API server on
 * loopback: events in, responses out, context, state.
 */
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeEachTransport, FIXTURES, RuntimeHarness } from './harness';

const NASTY = 'He said "hi" \\ `uname` $HOME $(id) \'single\'\n\ttab\r\nünïcødé ✓ 🚀\n\n';

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

describeEachTransport('events and responses', () => {
  let runtime: RuntimeHarness;
  afterEach(async () => { await runtime?.stop(); });

  test('stdin to stdout is byte for byte: quotes, backslashes, $, backticks, newlines, unicode', async () => {
    // GIVEN
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_event' });
    // WHEN / THEN
    for (const event of [NASTY, '', '\n', 'no trailing newline', '{"a":[1,2,{"b":"c"}]}\n\n\n', '\x00 NUL \x00 bytes\n']) {
      const result = await runtime.invoke(event);
      expect(result.kind).toBe('response');
      expect(result.body.toString('latin1')).toBe(Buffer.from(event).toString('latin1'));
    }
  });

  test.each([['C'], ['C.UTF-8'], ['POSIX']])('byte for byte under LANG=%s too, on stdin and in "$1"', async (lang) => {
    for (const handler of ['echo.echo_event', 'echo.echo_argument']) {
      runtime = await RuntimeHarness.start({ handler, env: { LANG: lang } });
      expect(await runtime.respond(NASTY)).toBe(NASTY);
      await runtime.stop();
    }
  });

  test('arbitrary bytes survive the round trip', async () => {
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_event' });
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const result = await runtime.invoke(bytes);
    expect(result.body.equals(bytes)).toBe(true);
  });

  test('the event is also "$1" when small: same bytes, trailing newlines kept', async () => {
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_argument' });
    expect(await runtime.respond(NASTY)).toBe(NASTY);
    // every byte but NUL, including invalid UTF-8
    const bytes = Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1));
    expect((await runtime.invoke(bytes)).body.equals(bytes)).toBe(true);
  });

  test('a 5 MB event reaches the handler on stdin and comes back whole', async () => {
    // GIVEN a 5 MB event of varied lines
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_event' });
    const line = `${NASTY.replace(/\n/g, ' ')} `;
    const event = Buffer.from(line.repeat(Math.ceil(5 * 1024 * 1024 / Buffer.byteLength(line)))).subarray(0, 5 * 1024 * 1024);
    // WHEN
    const result = await runtime.invoke(event);
    // THEN
    expect(result.kind).toBe('response');
    expect(result.body.length).toBe(event.length);
    expect(sha256(result.body)).toBe(sha256(event));
  });

  test('"$1" is passed up to 64 KiB, and can be given to an exec\'d program; larger events come on stdin only', async () => {
    runtime = await RuntimeHarness.start({ handler: 'echo.count_arguments' });
    expect(await runtime.respond('x'.repeat(65536))).toBe('1 65536 65536');
    expect(await runtime.respond('x'.repeat(65537))).toBe('0 0 0');
    expect(await runtime.respond(Buffer.alloc(5 * 1024 * 1024, 'y'))).toBe('0 0 0');
    expect(await runtime.respond('')).toBe('1 0 0');
    // bash variables cannot hold NUL bytes: such an event comes on stdin only
    expect(await runtime.respond('a\x00b')).toBe('0 0 0');
  });
});

describeEachTransport('context', () => {
  let runtime: RuntimeHarness;
  afterEach(async () => { await runtime?.stop(); });

  function parse(text: string): Record<string, string> {
    return Object.fromEntries(text.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  }

  test('_X_AMZN_TRACE_ID follows Lambda-Runtime-Trace-Id, and is unset when the header is absent', async () => {
    // GIVEN
    runtime = await RuntimeHarness.start({ handler: 'context.context' });
    const trace = 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1';
    // WHEN / THEN
    const traced = parse(await runtime.respond({ payload: Buffer.from('{}'), traceId: trace }));
    expect(traced._X_AMZN_TRACE_ID).toBe(trace);
    expect(traced.exported).toBe(trace);
    const untraced = parse(await runtime.respond({ payload: Buffer.from('{}') }));
    expect(untraced._X_AMZN_TRACE_ID).toBe('unset');
    expect(untraced.exported).toBe('unset');
    const tracedAgain = parse(await runtime.respond({ payload: Buffer.from('{}'), traceId: 'Root=1-2-3' }));
    expect(tracedAgain._X_AMZN_TRACE_ID).toBe('Root=1-2-3');
  });

  test('request id, deadline, function ARN, client context and Cognito identity', async () => {
    runtime = await RuntimeHarness.start({ handler: 'context.context' });
    const full = parse(await runtime.respond({
      payload: Buffer.from('{}'),
      requestId: '8476a536-e9f4-11e8-9739-2dfe598c3fcd',
      deadlineMs: 1542409706888,
      invokedFunctionArn: 'arn:aws:lambda:us-east-2:123456789012:function:custom-runtime:live',
      clientContext: '{"client":{"app_title":"x"},"custom":{"k":"v"}}',
      cognitoIdentity: '{"cognitoIdentityId":"id","cognitoIdentityPoolId":"pool"}',
    }));
    expect(full).toEqual({
      LAMBDA_REQUEST_ID: '8476a536-e9f4-11e8-9739-2dfe598c3fcd',
      LAMBDA_DEADLINE_MS: '1542409706888',
      LAMBDA_INVOKED_FUNCTION_ARN: 'arn:aws:lambda:us-east-2:123456789012:function:custom-runtime:live',
      LAMBDA_CLIENT_CONTEXT: '{"client":{"app_title":"x"},"custom":{"k":"v"}}',
      LAMBDA_COGNITO_IDENTITY: '{"cognitoIdentityId":"id","cognitoIdentityPoolId":"pool"}',
      _X_AMZN_TRACE_ID: 'unset',
      exported: 'unset',
    });
    const bare = parse(await runtime.respond({ payload: Buffer.from('{}'), requestId: 'second' }));
    expect(bare.LAMBDA_REQUEST_ID).toBe('second');
    expect(bare.LAMBDA_INVOKED_FUNCTION_ARN).toBe('arn:aws:lambda:us-east-1:123456789012:function:local');
    expect(Number(bare.LAMBDA_DEADLINE_MS)).toBeGreaterThan(Date.now());
    expect(bare.LAMBDA_CLIENT_CONTEXT).toBe('unset');
    expect(bare.LAMBDA_COGNITO_IDENTITY).toBe('unset');
  });
});

describeEachTransport('state', () => {
  let runtime: RuntimeHarness;
  afterEach(async () => { await runtime?.stop(); });

  test('init-time globals stay; variables, exports, cwd and open files of one invocation do not reach the next', async () => {
    // GIVEN a handler that sets a variable, bumps an init-time counter, exports, cds and opens fd 7
    runtime = await RuntimeHarness.start({ handler: 'state.handler' });
    const pid = runtime.pid;
    const fds = await runtime.idleFds(1);
    // WHEN
    const first = await runtime.respond('{}');
    const second = await runtime.respond('{}');
    // THEN the init global is there, set once (by the bootstrap's own shell), and nothing carried over
    const expected = `init=set at init ${pid} count=0 leaked=unset exported=unset fd7=closed cwd=${FIXTURES}\n`;
    expect(first).toBe(expected);
    expect(second).toBe(expected);
    expect(await runtime.idleFds(3)).toEqual(fds);
  });

  test('globals of the handler file are not shadowed by the runtime\'s own variables', async () => {
    runtime = await RuntimeHarness.start({ handler: 'state.globals' });
    expect(await runtime.respond('{}'))
      .toBe('global-id global-status global-size global-code global-event global-next global-message global-args ');
  });

  test('a handler file in strict mode: its options apply to the handler, not to the runtime', async () => {
    // GIVEN a file that runs `set -euo pipefail` and `shopt -s nullglob` at the top
    runtime = await RuntimeHarness.start({ handler: 'strict.handler' });
    // WHEN / THEN the handler runs with those options
    const ok = await runtime.respond('hello');
    expect(ok).toMatch(/^options=[a-zA-Z]*e[a-zA-Z]*u[a-zA-Z]* nullglob=on event=hello$/);
    // errexit stops the handler at its failing test: an error report, and the runtime goes on
    const failed = await runtime.invoke('fail');
    expect(failed.kind).toBe('error');
    expect(await runtime.respond('again')).toMatch(/event=again$/);
  });

  test('a handler file\'s IFS (strict mode\'s $\'\\n\\t\') applies to the handler and does not break the runtime', async () => {
    runtime = await RuntimeHarness.start({ handler: 'strict.ifs' });
    expect(await runtime.respond('{}')).toBe("$'\\n\\t'");
    expect(await runtime.respond('{}')).toBe("$'\\n\\t'");
  });

  test('under set -u, an event too large for "$1" still reaches the handler (no unbound empty argument list)', async () => {
    runtime = await RuntimeHarness.start({ handler: 'strict.size' });
    expect(await runtime.respond('x'.repeat(100_000))).toBe('100000');
  });

  test('a relative LAMBDA_TASK_ROOT still finds the handler file', async () => {
    // the harness runs the bootstrap in a fresh directory under the system temp dir
    const relative = path.join('..', path.relative(os.tmpdir(), FIXTURES));
    runtime = await RuntimeHarness.start({ handler: 'echo.trivial', taskRoot: relative });
    expect(await runtime.respond('{}')).toBe('ok\n');
  });

  test('a handler that wipes TMPDIR does not break the runtime', async () => {
    runtime = await RuntimeHarness.start({ handler: 'state.wipe_tmp' });
    expect(await runtime.respond('{}')).toBe('wiped\n');
    expect(await runtime.respond('{}')).toBe('wiped\n');
    await runtime.waitForLog(/scratch directory .* disappeared/);
  });
});
