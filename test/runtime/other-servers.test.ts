/**
 * The shell runtime against Runtime API servers other than ours (test/runtime/net-runtime-api.ts),
 * each answering in a way real HTTP/1.1 servers may: the same answers on both paths, every
 * invocation answered once; the fast path stays on its connection where it can read the answers,
 * opens a new one after each `Connection: close`, and leaves it for curl, after the answer at
 * hand, where it cannot read the answers with builtins.
 */
import { createHash } from 'node:crypto';
import { describeEachTransport, RuntimeHarness } from './harness';
import { Behaviour, NetRuntimeApi } from './net-runtime-api';

const NASTY = 'He said "hi" \\ `uname` $HOME\n\ttab\r\nünïcødé ✓\n\n';
const TRACE = 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1';
/** Over the runtime's 2 KiB limit for reading a body with builtins, with NUL bytes. */
const MIDDLE = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256));

interface Case {
  readonly name: string;
  readonly behaviour: Behaviour;
  /** What the fast path logs when it leaves its connection; undefined: it stays. */
  readonly leaves?: RegExp;
  /** The fast path stays, opening a new connection after each answer. */
  readonly reconnects?: boolean;
}

const CASES: Case[] = [
  { name: 'closes the connection after every answer', behaviour: { closeAfterAnswer: true }, reconnects: true },
  { name: 'writes its headers in several writes with delays', behaviour: { headerWrites: 6, delayMs: 15 } },
  { name: 'writes header names in upper case', behaviour: { upperCaseHeaders: true } },
  { name: 'sends 100 Continue before every answer', behaviour: { interimContinue: true } },
  { name: 'answers in HTTP/1.0', behaviour: { http10: true }, leaves: /HTTP\/1\.0: leaving/ },
  { name: 'sends events chunked', behaviour: { chunkBytes: 40_000 }, leaves: /chunked body: leaving/ },
  { name: 'ends events with the connection', behaviour: { closeDelimited: true }, leaves: /without Content-Length: leaving/ },
];

/** What the fast path logs, once, when it first opens a new connection after a `Connection: close`. */
const RECONNECT_LOG = 'bootstrap: the Runtime API answered Connection: close: opening a new connection for each such answer\n';

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

describeEachTransport('other Runtime API servers', () => {
  let server: NetRuntimeApi;
  let runtime: RuntimeHarness<NetRuntimeApi>;
  afterEach(async () => {
    await runtime?.stop();
    await server?.close();
  });

  test.each(CASES)('a server that $name: byte-exact events and responses, context, errors', async ({ behaviour, leaves, reconnects }) => {
    // GIVEN
    server = await NetRuntimeApi.start(behaviour);
    // WHEN / THEN small, empty, NUL-holding, middle-sized and large events come back whole, each
    // through a fresh runtime (one that leaves its connection does so after its first answer)
    const large = Buffer.alloc(1024 * 1024, 'x');
    for (const event of [Buffer.from(NASTY), Buffer.alloc(0), Buffer.from('a\x00b\x00', 'latin1'), MIDDLE, large]) {
      runtime = await RuntimeHarness.start({ handler: 'echo.echo_event', sharedServer: server });
      const result = await runtime.invoke(event);
      expect(result.kind).toBe('response');
      expect(result.body.length).toBe(event.length);
      expect(sha256(result.body)).toBe(sha256(event));
      if (runtime.transport === 'tcp' && leaves) {
        await runtime.waitForLog(leaves);
      }
      // and the next invocation, on whichever path
      expect((await runtime.invoke('again')).body.toString()).toBe('again');
      if (runtime.transport === 'tcp' && !leaves) {
        expect(runtime.log).not.toMatch(/leaving/);
        expect(runtime.log).toBe(reconnects ? RECONNECT_LOG : '');
      }
      await runtime.stop();
    }
    expect(server.protocolErrors).toEqual([]);

    // AND the context headers and error reports
    runtime = await RuntimeHarness.start({ handler: 'context.context', sharedServer: server });
    const context = (await runtime.invoke({ payload: Buffer.from('{}'), traceId: TRACE, requestId: 'id-1' })).body.toString();
    expect(context).toContain(`_X_AMZN_TRACE_ID=${TRACE}\n`);
    expect(context).toContain('LAMBDA_REQUEST_ID=id-1\n');
    await runtime.stop();
    runtime = await RuntimeHarness.start({ handler: 'fail.sometimes', sharedServer: server });
    const failed = await runtime.invoke('fail');
    expect(failed).toMatchObject({ kind: 'error', errorType: 'Handler.NonZeroExit' });
    expect(JSON.parse(failed.body.toString()).errorMessage).toMatch(/^Handler 'fail.sometimes' exited with status 3: /);
    expect((await runtime.invoke('ok')).body.toString()).toBe('fine: ok');
    expect(server.protocolErrors).toEqual([]);
  });

  test('a server that keeps the connection: one connection for every invocation on the fast path', async () => {
    server = await NetRuntimeApi.start({});
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_event', sharedServer: server });
    for (let i = 0; i < 10; i++) {
      expect((await runtime.invoke(`event ${i}`)).body.toString()).toBe(`event ${i}`);
    }
    await runtime.waitForNextCalls(11);
    // curl's connection serves a post and a long poll, then curl exits; the fast path's stays open
    expect(server.connections).toBe(runtime.transport === 'curl' ? 11 : 1);
  });

  test('a server that closes the connection after every answer: a new connection per request, no curl', async () => {
    server = await NetRuntimeApi.start({ closeAfterAnswer: true });
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_event', sharedServer: server });
    for (let i = 0; i < 10; i++) {
      expect((await runtime.invoke({ payload: Buffer.from(`event ${i}`), requestId: `r-${i}` })).body.toString()).toBe(`event ${i}`);
    }
    await runtime.waitForNextCalls(11);
    // 10 long polls answered and 10 posts: one connection each, and the one waiting now
    expect(server.connections).toBe(21);
    expect(server.protocolErrors).toEqual([]);
    // the fast path says so once and stays (processes.test.ts counts that it starts no curl)
    expect(runtime.log).toBe(runtime.transport === 'tcp' ? RECONNECT_LOG : '');
  });
});

// The curl path has no second chance: a post without an answer is its failure to reach the Runtime API (exit 1).
describe('fast path: a post whose answer is lost', () => {
  let server: NetRuntimeApi;
  let runtime: RuntimeHarness<NetRuntimeApi>;
  afterEach(async () => {
    await runtime?.stop();
    await server?.close();
  });

  test('a post that gets no answer (the connection breaks): posted again, answered once, nothing lost', async () => {
    // GIVEN a server that takes the first response and drops its connection without an answer
    server = await NetRuntimeApi.start({ dropFirstAnswer: true });
    runtime = await RuntimeHarness.start({ handler: 'echo.echo_event', sharedServer: server, transport: 'tcp' });
    // WHEN
    const first = await runtime.invoke({ payload: Buffer.from('one'), requestId: 'r-1' });
    const second = await runtime.invoke({ payload: Buffer.from('two'), requestId: 'r-2' });
    // THEN both are answered, and the first once: the second post of r-1 was refused and not taken for a failure
    expect(first.body.toString()).toBe('one');
    expect(second.body.toString()).toBe('two');
    await runtime.waitForLog(/answered HTTP 400 to the response for r-1 posted again: the first post had arrived/);
    expect(server.protocolErrors).toEqual(['response for an answered request id r-1']);
  });
});
