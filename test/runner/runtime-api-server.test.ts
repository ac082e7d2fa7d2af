/**
 * The Runtime API server on its own, spoken to with node's http client.
 */
import * as http from 'node:http';
import { InvocationResult, RuntimeApiServer } from '../../src/runner/runtime-api-server';

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

function request(server: RuntimeApiServer, method: string, path: string,
  body?: Buffer | string, headers: http.OutgoingHttpHeaders = {}): Promise<Reply> {
  const [host, port] = server.address.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), method, path: `/2018-06-01${path}`, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const next = (server: RuntimeApiServer): Promise<Reply> => request(server, 'GET', '/runtime/invocation/next');

describe('RuntimeApiServer', () => {
  let server: RuntimeApiServer;
  beforeEach(async () => { server = await RuntimeApiServer.start(); });
  afterEach(async () => { await server.close(); });

  test('listens on loopback, on a port of its own', () => {
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  test('GET /next long-polls until an invocation arrives, then hands out payload and headers', async () => {
    // GIVEN a long poll waiting
    const polled = next(server);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.nextCalls).toBe(1);
    // WHEN
    const invoked = server.invoke({
      payload: Buffer.from('{"k":"ü"}'),
      requestId: 'req-1',
      deadlineMs: 1542409706888,
      invokedFunctionArn: 'arn:aws:lambda:us-east-2:123456789012:function:f',
      traceId: 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
      clientContext: 'cc',
      cognitoIdentity: 'ci',
    });
    const reply = await polled;
    // THEN
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('{"k":"ü"}');
    expect(reply.headers).toMatchObject({
      'lambda-runtime-aws-request-id': 'req-1',
      'lambda-runtime-deadline-ms': '1542409706888',
      'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:us-east-2:123456789012:function:f',
      'lambda-runtime-trace-id': 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
      'lambda-runtime-client-context': 'cc',
      'lambda-runtime-cognito-identity': 'ci',
    });
    // AND the response settles the invocation
    expect((await request(server, 'POST', '/runtime/invocation/req-1/response', 'done')).status).toBe(202);
    await expect(invoked).resolves.toEqual({ kind: 'response', requestId: 'req-1', body: Buffer.from('done') });
  });

  test('defaults: a UUID request id, a deadline timeoutMs ahead, the local ARN, and no optional headers', async () => {
    const invoked = server.invoke({ payload: Buffer.from('{}') });
    const before = Date.now();
    const reply = await next(server);
    expect(reply.headers['lambda-runtime-aws-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const deadline = Number(reply.headers['lambda-runtime-deadline-ms']);
    expect(deadline).toBeGreaterThanOrEqual(before + 3000 - 50);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 3000);
    expect(reply.headers['lambda-runtime-invoked-function-arn']).toBe('arn:aws:lambda:us-east-1:123456789012:function:local');
    expect(reply.headers).not.toHaveProperty('lambda-runtime-trace-id');
    expect(reply.headers).not.toHaveProperty('lambda-runtime-client-context');
    expect(reply.headers).not.toHaveProperty('lambda-runtime-cognito-identity');
    await request(server, 'POST', `/runtime/invocation/${reply.headers['lambda-runtime-aws-request-id']}/response`, '');
    expect((await invoked).body).toEqual(Buffer.alloc(0));
  });

  test('invocations are handed out first in, first out', async () => {
    const results = ['a', 'b', 'c'].map((id) => server.invoke({ payload: Buffer.from(id), requestId: id }));
    for (const id of ['a', 'b', 'c']) {
      const reply = await next(server);
      expect(reply.body.toString()).toBe(id);
      await request(server, 'POST', `/runtime/invocation/${id}/response`, `r-${id}`);
    }
    expect((await Promise.all(results)).map((r) => r.body.toString())).toEqual(['r-a', 'r-b', 'r-c']);
  });

  test('/error records the error type header and body', async () => {
    const invoked = server.invoke({ payload: Buffer.from('{}'), requestId: 'e1' });
    await next(server);
    const reply = await request(server, 'POST', '/runtime/invocation/e1/error', '{"errorMessage":"m","errorType":"T","stackTrace":[]}',
      { 'Lambda-Runtime-Function-Error-Type': 'Handler.NonZeroExit' });
    expect(reply.status).toBe(202);
    const result: InvocationResult = await invoked;
    expect(result).toEqual({ kind: 'error', requestId: 'e1', errorType: 'Handler.NonZeroExit', body: Buffer.from('{"errorMessage":"m","errorType":"T","stackTrace":[]}') });
  });

  test('a second answer, or an answer for an unknown id, is refused and recorded', async () => {
    const invoked = server.invoke({ payload: Buffer.from('{}'), requestId: 'once' });
    await next(server);
    expect((await request(server, 'POST', '/runtime/invocation/once/response', 'first')).status).toBe(202);
    const second = await request(server, 'POST', '/runtime/invocation/once/error', 'second');
    expect(second.status).toBe(400);
    expect(JSON.parse(second.body.toString())).toMatchObject({ errorType: 'InvalidStateTransition' });
    const unknown = await request(server, 'POST', '/runtime/invocation/nobody/response', 'x');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body.toString())).toMatchObject({ errorType: 'InvalidRequestID' });
    expect((await invoked).body.toString()).toBe('first');
    expect(server.protocolErrors).toEqual([
      '400 InvalidStateTransition: error for an already answered request id once',
      '404 InvalidRequestID: response for an unknown request id nobody',
    ]);
  });

  test('a response over maxResponseBytes gets 413 with a JSON body; the invocation stays open', async () => {
    await server.close();
    server = await RuntimeApiServer.start({ maxResponseBytes: 10 });
    const invoked = server.invoke({ payload: Buffer.from('{}'), requestId: 'big' });
    await next(server);
    const tooBig = await request(server, 'POST', '/runtime/invocation/big/response', '12345678901');
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body.toString())).toEqual({ errorMessage: 'Exceeded maximum allowed payload size (10 bytes).', errorType: 'RequestEntityTooLarge' });
    expect((await request(server, 'POST', '/runtime/invocation/big/response', '1234567890')).status).toBe(202);
    expect((await invoked).body.toString()).toBe('1234567890');
    expect(server.protocolErrors).toEqual(['413 RequestEntityTooLarge: response of 11 bytes for request id big']);
  });

  test('failNextPost answers the next response posts with the given status, then accepts again', async () => {
    const invoked = server.invoke({ payload: Buffer.from('{}'), requestId: 'f' });
    await next(server);
    server.failNextPost(500, 2);
    expect((await request(server, 'POST', '/runtime/invocation/f/response', 'x')).status).toBe(500);
    expect((await request(server, 'POST', '/runtime/invocation/f/response', 'x')).status).toBe(500);
    expect((await request(server, 'POST', '/runtime/invocation/f/response', 'y')).status).toBe(202);
    expect((await invoked).body.toString()).toBe('y');
    expect(server.protocolErrors).toEqual([]);
  });

  test('/runtime/init/error is recorded and reported to listeners', async () => {
    const seen: string[] = [];
    server.onInitError((e) => seen.push(`${e.errorType}: ${e.body.toString()}`));
    const reply = await request(server, 'POST', '/runtime/init/error', '{"errorMessage":"m"}', { 'Lambda-Runtime-Function-Error-Type': 'Runtime.NoSuchHandler' });
    expect(reply.status).toBe(202);
    expect(server.initErrors).toEqual([{ errorType: 'Runtime.NoSuchHandler', body: Buffer.from('{"errorMessage":"m"}') }]);
    expect(seen).toEqual(['Runtime.NoSuchHandler: {"errorMessage":"m"}']);
  });

  test('unknown paths and methods get 404', async () => {
    expect((await request(server, 'GET', '/runtime/invocation/nextx')).status).toBe(404);
    expect((await request(server, 'POST', '/runtime/invocation/next')).status).toBe(404);
    expect((await request(server, 'GET', '/runtime/invocation/x/response')).status).toBe(404);
    expect(server.protocolErrors).toHaveLength(3);
  });

  test('cancelPending rejects queued and in-flight invocations; late answers are refused', async () => {
    const inFlight = server.invoke({ payload: Buffer.from('1'), requestId: 'in-flight' });
    const queued = server.invoke({ payload: Buffer.from('2'), requestId: 'queued' });
    await next(server);
    server.cancelPending('runtime died');
    await expect(inFlight).rejects.toThrow('runtime died');
    await expect(queued).rejects.toThrow('runtime died');
    expect((await request(server, 'POST', '/runtime/invocation/in-flight/response', 'late')).status).toBe(400);
  });

  test('a long poll whose client went away does not swallow an invocation', async () => {
    // GIVEN a long poll that is abandoned
    const [host, port] = server.address.split(':');
    const abandoned = http.request({ host, port: Number(port), path: '/2018-06-01/runtime/invocation/next', agent: false });
    abandoned.on('error', () => undefined);
    abandoned.end();
    await new Promise((resolve) => setTimeout(resolve, 50));
    abandoned.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // WHEN an invocation arrives, THEN the next live poll gets it
    const invoked = server.invoke({ payload: Buffer.from('kept'), requestId: 'k' });
    expect((await next(server)).body.toString()).toBe('kept');
    await request(server, 'POST', '/runtime/invocation/k/response', 'ok');
    expect((await invoked).body.toString()).toBe('ok');
  });

  test('close() ends open long polls and rejects what is pending', async () => {
    const polled = next(server).catch((e: Error) => e);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await server.close();
    expect(String(await polled)).toMatch(/socket hang up|ECONNRESET/);
    await expect(server.invoke({ payload: Buffer.from('x') })).rejects.toThrow(/closed/);
  });
});
