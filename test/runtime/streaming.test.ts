/**
 * Response streaming in the shell runtime (LAMBDA_RESPONSE_MODE=streaming), against our Runtime API
 * server on loopback: chunks as the handler writes them, the error trailers, the buffered cases,
 * and the bytes on the wire.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { HarnessServer, RuntimeHarness } from './harness';
import { seqBytes } from './stream-bytes';
import { InitError, InvocationResult, RuntimeApiServer, RuntimeInvocation } from '../../src/runner/runtime-api-server';

const STREAMING = { LAMBDA_RESPONSE_MODE: 'streaming' };

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Our Runtime API server behind a TCP relay that records what the runtime sends. */
class WireTap implements HarnessServer {
  public static async start(): Promise<WireTap> {
    const tap = new WireTap(await RuntimeApiServer.start());
    await new Promise<void>((resolve) => tap.relay.listen(0, '127.0.0.1', resolve));
    return tap;
  }

  /** Everything the runtime sent, as latin1 text. */
  public sent = '';
  private readonly relay: net.Server;

  private constructor(public readonly api: RuntimeApiServer) {
    const [host, port] = api.address.split(':');
    this.relay = net.createServer((client) => {
      const upstream = net.connect(Number(port), host);
      client.on('data', (data) => { this.sent += data.toString('latin1'); });
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
  }

  public get address(): string {
    const info = this.relay.address() as net.AddressInfo;
    return `127.0.0.1:${info.port}`;
  }
  public get nextCalls(): number { return this.api.nextCalls; }
  public get initErrors(): InitError[] { return this.api.initErrors; }
  public get protocolErrors(): string[] { return this.api.protocolErrors; }
  public invoke(invocation: RuntimeInvocation): Promise<InvocationResult> { return this.api.invoke(invocation); }
  public cancelPending(reason: string): void { this.api.cancelPending(reason); }
  public async close(): Promise<void> {
    await new Promise<void>((resolve) => this.relay.close(() => resolve()));
    await this.api.close();
  }
}

describe('streaming handlers on the keep-alive connection', () => {
  let runtime: RuntimeHarness;
  afterEach(async () => { await runtime?.stop(); });

  test('each write is a chunk, passed on as it arrives: the first before the handler finished', async () => {
    // GIVEN a handler that writes its second chunk only once the first has reached the caller
    runtime = await RuntimeHarness.start({ handler: 'stream.three_chunks', env: STREAMING });
    const gate = path.join(runtime.tmpdir, 'gate');
    const chunks: string[] = [];
    // WHEN
    const result = await runtime.invoke({
      payload: Buffer.from(JSON.stringify({ gate })),
      onChunk: (chunk) => {
        chunks.push(chunk.toString());
        fs.writeFileSync(`${gate}.${chunks.length}`, '');
      },
    });
    // THEN
    expect(chunks).toEqual(['chunk 1\n', 'chunk 2\n', 'chunk 3\n']);
    expect(result).toMatchObject({ kind: 'response', streamed: true });
    expect(result.body.length).toBe(0);
  });

  test('without onChunk the stream is collected whole; the connection serves the next invocations', async () => {
    runtime = await RuntimeHarness.start({ handler: 'stream.three_chunks', env: STREAMING });
    for (let i = 0; i < 3; i++) {
      expect(await runtime.respond('{}')).toBe('chunk 1\nchunk 2\nchunk 3\n');
    }
    await runtime.waitForNextCalls(4);
    expect(runtime.log).not.toContain('leaving the keep-alive connection');
  });

  test('a failure after the first byte ends the stream with the error trailers', async () => {
    runtime = await RuntimeHarness.start({ handler: 'stream.fail_midway', env: STREAMING });
    const chunks: string[] = [];
    const result = await runtime.invoke({ payload: Buffer.from('{}'), onChunk: (chunk) => chunks.push(chunk.toString()) });
    expect(chunks).toEqual(['partial output\n']);
    expect(result).toMatchObject({ kind: 'error', errorType: 'Handler.NonZeroExit', streamed: true });
    expect(JSON.parse(result.body.toString())).toEqual({
      errorMessage: "Handler 'stream.fail_midway' exited with status 3 after streaming 15 bytes",
      errorType: 'Handler.NonZeroExit',
      stackTrace: [],
    });
    expect(runtime.log).toContain('something broke');
    // the runtime goes on
    expect((await runtime.invoke('{}')).kind).toBe('error');
  });

  test('a failure before any output is an ordinary error report', async () => {
    runtime = await RuntimeHarness.start({ handler: 'stream.fail_first', env: STREAMING });
    const result = await runtime.invoke({ payload: Buffer.from('{}'), onChunk: () => { throw new Error('no chunk expected'); } });
    expect(result).toMatchObject({ kind: 'error', errorType: 'Handler.NonZeroExit' });
    expect(result.streamed).toBeUndefined();
    expect(JSON.parse(result.body.toString()).errorMessage).toBe("Handler 'stream.fail_first' exited with status 4 and printed nothing on stdout");
  });

  test('a handler that prints nothing gets an empty buffered response', async () => {
    runtime = await RuntimeHarness.start({ handler: 'stream.nothing', env: STREAMING });
    const result = await runtime.invoke('{}');
    expect(result).toMatchObject({ kind: 'response' });
    expect(result.streamed).toBeUndefined();
    expect(result.body.length).toBe(0);
  });

  test('every byte value, NUL included, and a 10 MB stream arrive byte for byte', async () => {
    runtime = await RuntimeHarness.start({ handler: 'stream.all_bytes', env: STREAMING });
    const all = await runtime.invoke('{}');
    expect(all.body.equals(Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256)))).toBe(true);
    await runtime.stop();

    runtime = await RuntimeHarness.start({ handler: 'stream.seq_bytes', env: STREAMING, server: { maxResponseBytes: 20 * 1024 * 1024 } });
    const bytes = 10 * 1024 * 1024;
    const received: Buffer[] = [];
    const result = await runtime.invoke({ payload: Buffer.from(JSON.stringify({ bytes })), onChunk: (chunk) => received.push(chunk) });
    expect(result.kind).toBe('response');
    const whole = Buffer.concat(received);
    expect(whole.length).toBe(bytes);
    expect(sha256(whole)).toBe(sha256(seqBytes(bytes)));
    expect(received.length).toBeGreaterThan(1);
  });

  test('a stream over the limit is answered 413: only the bytes within it are passed on, then Function.ResponseSizeTooLarge', async () => {
    runtime = await RuntimeHarness.start({ handler: 'stream.seq_bytes', env: STREAMING, server: { maxStreamedResponseBytes: 100_000 } });
    const received: Buffer[] = [];
    const result = await runtime.invoke({ payload: Buffer.from('{"bytes": 300000}'), onChunk: (chunk) => received.push(chunk) });
    expect(Buffer.concat(received).equals(seqBytes(100_000))).toBe(true);
    expect(result).toMatchObject({ kind: 'error', errorType: 'Function.ResponseSizeTooLarge' });
    expect(JSON.parse(result.body.toString()).errorMessage).toMatch(/^Response payload size \(300000 bytes\) exceeded/);
    expect(runtime.server.protocolErrors).toEqual([expect.stringMatching(/^413 RequestEntityTooLarge: response of 300000 bytes/)]);
    expect(runtime.server.exceededResponseLimits).toEqual([100_000]);
  });

  test('the buffered contract stays the default: the same handler, without the variable, answers in one piece', async () => {
    runtime = await RuntimeHarness.start({ handler: 'stream.three_chunks' });
    const chunks: Buffer[] = [];
    const result = await runtime.invoke({ payload: Buffer.from('{}'), onChunk: (chunk) => chunks.push(chunk) });
    expect(chunks).toEqual([]);
    expect(result).toMatchObject({ kind: 'response' });
    expect(result.streamed).toBeUndefined();
    expect(result.body.toString()).toBe('chunk 1\nchunk 2\nchunk 3\n');
  });

  test('LAMBDA_RESPONSE_MODE other than buffered or streaming is an init error', async () => {
    runtime = await RuntimeHarness.start({ handler: 'stream.nothing', env: { LAMBDA_RESPONSE_MODE: 'Streaming' } });
    const exit = await runtime.waitForExit();
    expect(exit.code).toBe(1);
    expect(runtime.server.initErrors.map((e) => e.errorType)).toEqual(['Runtime.ConfigInvalid']);
    expect(runtime.server.initErrors[0].body.toString()).toContain("LAMBDA_RESPONSE_MODE 'Streaming' is not 'buffered' or 'streaming'");
  });
});

describe('on the wire', () => {
  let runtime: RuntimeHarness<WireTap>;
  let tap: WireTap;
  afterEach(async () => {
    await runtime?.stop();
    await tap?.close();
  });

  test('a chunked POST with the streaming mode header; a failure adds the trailers, the error body in base64', async () => {
    // GIVEN
    tap = await WireTap.start();
    runtime = await RuntimeHarness.start({ handler: 'stream.fail_midway', env: STREAMING, sharedServer: tap });
    // WHEN
    const result = await runtime.invoke({ payload: Buffer.from('{}'), requestId: 'req-1' });
    // THEN
    expect(result.kind).toBe('error');
    const post = tap.sent.slice(tap.sent.indexOf('POST /2018-06-01/runtime/invocation/req-1/response'));
    const head = post.slice(0, post.indexOf('\r\n\r\n'));
    const body = post.slice(post.indexOf('\r\n\r\n') + 4);
    expect(head.split('\r\n')).toEqual(expect.arrayContaining([
      'POST /2018-06-01/runtime/invocation/req-1/response HTTP/1.1',
      'Lambda-Runtime-Function-Response-Mode: streaming',
      'Transfer-Encoding: chunked',
      'Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
    ]));
    const encoded = Buffer.from(JSON.stringify({
      errorMessage: "Handler 'stream.fail_midway' exited with status 3 after streaming 15 bytes",
      errorType: 'Handler.NonZeroExit',
      stackTrace: [],
    })).toString('base64');
    expect(body.startsWith('0000f\r\npartial output\n\r\n0\r\n'
      + 'Lambda-Runtime-Function-Error-Type: Handler.NonZeroExit\r\n'
      + `Lambda-Runtime-Function-Error-Body: ${encoded}\r\n\r\n`)).toBe(true);
  });

  test('a stream that succeeds ends with the last chunk and no trailers', async () => {
    tap = await WireTap.start();
    runtime = await RuntimeHarness.start({ handler: 'stream.three_chunks', env: STREAMING, sharedServer: tap });
    await runtime.invoke({ payload: Buffer.from('{}'), requestId: 'req-2' });
    const post = tap.sent.slice(tap.sent.indexOf('POST /2018-06-01/runtime/invocation/req-2/response'));
    const body = post.slice(post.indexOf('\r\n\r\n') + 4);
    expect(body.startsWith('00008\r\nchunk 1\n\r\n00008\r\nchunk 2\n\r\n00008\r\nchunk 3\n\r\n0\r\n\r\n')).toBe(true);
  });
});

describe('on the curl path', () => {
  let runtime: RuntimeHarness;
  afterEach(async () => { await runtime?.stop(); });

  test('a streaming handler is answered buffered: its whole output, or an ordinary error report', async () => {
    runtime = await RuntimeHarness.start({ handler: 'stream.three_chunks', env: STREAMING, transport: 'curl' });
    const chunks: Buffer[] = [];
    const result = await runtime.invoke({ payload: Buffer.from('{}'), onChunk: (chunk) => chunks.push(chunk) });
    expect(chunks).toEqual([]);
    expect(result.body.toString()).toBe('chunk 1\nchunk 2\nchunk 3\n');
    await runtime.stop();

    runtime = await RuntimeHarness.start({ handler: 'stream.fail_midway', env: STREAMING, transport: 'curl' });
    const failed = await runtime.invoke('{}');
    expect(failed).toMatchObject({ kind: 'error', errorType: 'Handler.NonZeroExit' });
    expect(JSON.parse(failed.body.toString()).errorMessage).toBe("Handler 'stream.fail_midway' exited with status 3: partial output");
  });
});
