/**
 * A Lambda Runtime API (version 2018-06-01) server on loopback.
 *
 * It plays the part of the Lambda service towards one runtime process (a
 * `bootstrap`): the caller queues invocations with `invoke()`, the runtime
 * long-polls `GET /runtime/invocation/next`, and the promise returned by
 * `invoke()` settles when the runtime posts `/response` or `/error` for it.
 *
 * Node built-ins only: the local runner ships it. Not part of the jsii API
 * (not exported from `src/index.ts`).
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { jsonHeaders, readBody } from './http-messages';
import { DEFAULT_TIMEOUT_SECONDS, MAX_STREAMED_RESPONSE_BYTES, MAX_SYNC_PAYLOAD_BYTES } from './lambda-limits';
import { isStreamingResponse, readStreamedResponse } from './streamed-response';

const API_PREFIX = '/2018-06-01/runtime';
const DEFAULT_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:local';
/** How many answered request ids are remembered (a long-running local runner must not grow without end). */
const REMEMBERED_ANSWERS = 10_000;

/** One invocation, as the caller queues it. */
export interface RuntimeInvocation {
  /** The event, handed to the runtime byte for byte. */
  readonly payload: Buffer;
  /** @default - a random UUID */
  readonly requestId?: string;
  /** Epoch milliseconds. @default - when the runtime receives the event, plus the `timeoutMs` option */
  readonly deadlineMs?: number;
  /** @default 'arn:aws:lambda:us-east-1:123456789012:function:local' */
  readonly invokedFunctionArn?: string;
  /** `Lambda-Runtime-Trace-Id`. @default - header omitted */
  readonly traceId?: string;
  /** `Lambda-Runtime-Client-Context`. @default - header omitted */
  readonly clientContext?: string;
  /** `Lambda-Runtime-Cognito-Identity`. @default - header omitted */
  readonly cognitoIdentity?: string;
  /**
   * Receives the bytes of a streamed response (`Lambda-Runtime-Function-Response-Mode: streaming`)
   * as they arrive, for a caller that reads the stream (`InvokeWithResponseStream`); the result's body
   * is then empty, and the stream may reach `maxStreamedResponseBytes`.
   * @default - a streamed response is collected, up to `maxResponseBytes`, as Invoke buffers it
   */
  readonly onChunk?: (chunk: Buffer) => void;
}

/** How the runtime answered one invocation. */
export type InvocationResult =
  | { readonly kind: 'response'; readonly requestId: string; readonly body: Buffer; readonly streamed?: boolean }
  | { readonly kind: 'error'; readonly requestId: string; readonly errorType?: string; readonly body: Buffer; readonly streamed?: boolean };

/** What the runtime posted to `/runtime/init/error`. */
export interface InitError {
  /** The `Lambda-Runtime-Function-Error-Type` header, when sent. */
  readonly errorType?: string;
  readonly body: Buffer;
}

export interface RuntimeApiServerOptions {
  /**
   * Largest response body accepted on `/response`; a larger one is answered 413.
   * @default 6291456 (6 MB, Lambda's synchronous payload limit)
   */
  readonly maxResponseBytes?: number;
  /**
   * Largest streamed response accepted for an invocation with `onChunk`; the bytes past it are not
   * passed on, and the post is answered 413.
   * @default 20971520 (20 MB, Lambda's response streaming limit)
   */
  readonly maxStreamedResponseBytes?: number;
  /**
   * Deadline of an invocation that sets none, counted from when the runtime receives it.
   * @default 3000
   */
  readonly timeoutMs?: number;
}

interface Queued {
  readonly invocation: RuntimeInvocation;
  readonly requestId: string;
  readonly resolve: (result: InvocationResult) => void;
  readonly reject: (error: Error) => void;
}

type Route =
  | { readonly kind: 'next' }
  | { readonly kind: 'response' | 'error'; readonly requestId: string }
  | { readonly kind: 'init-error' }
  | { readonly kind: 'unknown' };

export class RuntimeApiServer {
  /** Starts a server on 127.0.0.1 with a port chosen by the system. */
  public static async start(options: RuntimeApiServerOptions = {}): Promise<RuntimeApiServer> {
    const server = new RuntimeApiServer(options);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(0, '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  /** Everything posted to `/runtime/init/error`, oldest first. */
  public readonly initErrors: InitError[] = [];
  /**
   * Every request answered with a 4xx for a reason of the runtime's making, oldest first,
   * each starting with its status: a response over `maxResponseBytes` (413), an unknown
   * path (404), an unknown request id (404), a second answer to one invocation (400).
   * Faults injected with `failNextPost()` are not recorded.
   */
  public readonly protocolErrors: string[] = [];
  /** The limit each response answered 413 went over, oldest first (6 MB buffered, 20 MB streamed). */
  public readonly exceededResponseLimits: number[] = [];

  private readonly server: http.Server;
  private readonly maxResponseBytes: number;
  private readonly maxStreamedResponseBytes: number;
  private readonly timeoutMs: number;
  private readonly queue: Queued[] = [];
  private readonly waiting: http.ServerResponse[] = [];
  private readonly inFlight = new Map<string, Queued>();
  private readonly answered = new Set<string>();
  private readonly initErrorListeners: Array<(e: InitError) => void> = [];
  private readonly faults: number[] = [];
  private readonly extraRoutes: Array<(req: http.IncomingMessage, res: http.ServerResponse) => boolean> = [];
  private nextCount = 0;
  private closed = false;

  private constructor(options: RuntimeApiServerOptions) {
    this.maxResponseBytes = options.maxResponseBytes ?? MAX_SYNC_PAYLOAD_BYTES;
    this.maxStreamedResponseBytes = options.maxStreamedResponseBytes ?? MAX_STREAMED_RESPONSE_BYTES;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000;
    this.server = http.createServer((req, res) => this.route(req, res));
  }

  /** `host:port`, the value for `AWS_LAMBDA_RUNTIME_API`. */
  public get address(): string {
    const info = this.server.address() as AddressInfo;
    return `${info.address}:${info.port}`;
  }

  /** How many `GET /runtime/invocation/next` requests arrived. */
  public get nextCalls(): number {
    return this.nextCount;
  }

  /**
   * Queues an invocation (first in, first out). The promise resolves when the
   * runtime posts `/response` or `/error` for it, and rejects on `cancelPending()`.
   */
  public invoke(invocation: RuntimeInvocation): Promise<InvocationResult> {
    return new Promise<InvocationResult>((resolve, reject) => {
      if (this.closed) {
        reject(new Error('Runtime API server closed'));
        return;
      }
      this.queue.push({ invocation, requestId: invocation.requestId ?? randomUUID(), resolve, reject });
      this.dispatch();
    });
  }

  /** Serves another API on the same address (the Extensions API): `handler` returns whether it took the request. */
  public addRoutes(handler: (req: http.IncomingMessage, res: http.ServerResponse) => boolean): void {
    this.extraRoutes.push(handler);
  }

  /** Calls `listener` for every later post to `/runtime/init/error`. */
  public onInitError(listener: (e: InitError) => void): void {
    this.initErrorListeners.push(listener);
  }

  /**
   * Fault injection: the next `times` posts to `/invocation/{id}/response` are
   * answered with `status` (e.g. 413, or 500 for "container error, exit") and not recorded.
   */
  public failNextPost(status: number, times: number = 1): void {
    for (let i = 0; i < times; i++) {
      this.faults.push(status);
    }
  }

  /** Rejects every queued and in-flight invocation, e.g. when the runtime died or timed out. */
  public cancelPending(reason: string): void {
    const pending = [...this.inFlight.values(), ...this.queue.splice(0)];
    for (const entry of this.inFlight.values()) {
      this.markAnswered(entry.requestId);
    }
    this.inFlight.clear();
    for (const entry of pending) {
      entry.reject(new Error(reason));
    }
  }

  /** Cancels what is pending, ends open long polls, and stops listening. */
  public async close(): Promise<void> {
    this.closed = true;
    this.cancelPending('Runtime API server closed');
    for (const res of this.waiting.splice(0)) {
      res.destroy();
    }
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.extraRoutes.some((handler) => handler(req, res))) {
      return;
    }
    const route = parseRoute(req.method ?? '', req.url ?? '');
    switch (route.kind) {
      case 'next':
        this.nextCount++;
        req.resume();
        this.waiting.push(res);
        res.on('close', () => {
          const index = this.waiting.indexOf(res);
          if (index >= 0) {
            this.waiting.splice(index, 1);
          }
        });
        this.dispatch();
        return;
      case 'init-error':
        void readBody(req, Infinity).then(({ body }) => {
          const initError: InitError = { errorType: errorTypeOf(req), body };
          this.initErrors.push(initError);
          this.initErrorListeners.forEach((listener) => listener(initError));
          reply(res, 202, { status: 'OK' });
        }, () => res.destroy());
        return;
      case 'response':
        if (isStreamingResponse(req)) {
          this.answerStream(route.requestId, req, res);
        } else {
          this.answer(route.kind, route.requestId, req, res);
        }
        return;
      case 'error':
        this.answer(route.kind, route.requestId, req, res);
        return;
      default:
        req.resume();
        this.protocolError(res, 404, 'UnknownPath', `${req.method} ${req.url}`);
    }
  }

  private answer(kind: 'response' | 'error', requestId: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    const limit = kind === 'response' ? this.maxResponseBytes : Infinity;
    void readBody(req, limit).then(({ body, size }) => {
      const entry = this.inFlight.get(requestId);
      if (!entry) {
        this.unexpectedAnswer(kind, requestId, res);
        return;
      }
      if (kind === 'response' && (this.injectFault(res) || this.tooLarge(res, requestId, size, limit))) {
        return;
      }
      this.inFlight.delete(requestId);
      this.markAnswered(requestId);
      reply(res, 202, { status: 'OK' });
      entry.resolve(kind === 'response'
        ? { kind, requestId, body }
        : { kind, requestId, errorType: errorTypeOf(req), body });
    }, () => res.destroy());
  }

  /**
   * A streamed response (`Transfer-Encoding: chunked`): its bytes go to the invocation's `onChunk` as
   * they arrive, and a failure after the stream started comes in the trailers
   * `Lambda-Runtime-Function-Error-Type` and `Lambda-Runtime-Function-Error-Body` (base64 JSON).
   */
  private answerStream(requestId: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    const entry = this.inFlight.get(requestId);
    if (!entry || this.injectFault(res)) {
      req.resume();
      if (!entry) {
        this.unexpectedAnswer('response', requestId, res);
      }
      return;
    }
    const onChunk = entry.invocation.onChunk;
    const limit = onChunk ? this.maxStreamedResponseBytes : this.maxResponseBytes;
    void readStreamedResponse(req, limit, onChunk).then((stream) => {
      if (this.inFlight.get(requestId) !== entry) {
        this.unexpectedAnswer('response', requestId, res);
        return;
      }
      if (this.tooLarge(res, requestId, stream.size, limit)) {
        return;
      }
      this.inFlight.delete(requestId);
      this.markAnswered(requestId);
      reply(res, 202, { status: 'OK' });
      entry.resolve(stream.errorType !== undefined
        ? { kind: 'error', requestId, errorType: stream.errorType, body: stream.errorBody, streamed: true }
        : { kind: 'response', requestId, body: stream.body, streamed: true });
    }, () => res.destroy());
  }

  /** A response or error for a request id that is not in flight: unknown (404) or answered before (400). */
  private unexpectedAnswer(kind: 'response' | 'error', requestId: string, res: http.ServerResponse): void {
    const answeredBefore = this.answered.has(requestId);
    this.protocolError(res, answeredBefore ? 400 : 404,
      answeredBefore ? 'InvalidStateTransition' : 'InvalidRequestID',
      `${kind} for ${answeredBefore ? 'an already answered' : 'an unknown'} request id ${requestId}`);
  }

  /** Answers with the next fault injected by `failNextPost()`, if any. */
  private injectFault(res: http.ServerResponse): boolean {
    const fault = this.faults.shift();
    if (fault !== undefined) {
      reply(res, fault, { errorMessage: `Injected fault: HTTP ${fault}`, errorType: 'InjectedFault' });
    }
    return fault !== undefined;
  }

  /** Answers 413 when a response of `size` bytes is over `limit`. */
  private tooLarge(res: http.ServerResponse, requestId: string, size: number, limit: number): boolean {
    if (size <= limit) {
      return false;
    }
    this.protocolErrors.push(`413 RequestEntityTooLarge: response of ${size} bytes for request id ${requestId}`);
    this.exceededResponseLimits.push(limit);
    reply(res, 413, {
      errorMessage: `Exceeded maximum allowed payload size (${limit} bytes).`,
      errorType: 'RequestEntityTooLarge',
    });
    return true;
  }

  /** Hands queued invocations to waiting long polls, in order. */
  private dispatch(): void {
    while (this.queue.length > 0 && this.waiting.length > 0) {
      const res = this.waiting.shift()!;
      if (res.destroyed || res.writableEnded) {
        continue;
      }
      const entry = this.queue.shift()!;
      const inv = entry.invocation;
      const headers = jsonHeaders(inv.payload, {
        'Lambda-Runtime-Trace-Id': inv.traceId,
        'Lambda-Runtime-Client-Context': inv.clientContext,
        'Lambda-Runtime-Cognito-Identity': inv.cognitoIdentity,
      }, {
        'Lambda-Runtime-Aws-Request-Id': entry.requestId,
        'Lambda-Runtime-Deadline-Ms': String(inv.deadlineMs ?? Date.now() + this.timeoutMs),
        'Lambda-Runtime-Invoked-Function-Arn': inv.invokedFunctionArn ?? DEFAULT_FUNCTION_ARN,
      });
      this.inFlight.set(entry.requestId, entry);
      res.writeHead(200, headers);
      res.end(inv.payload);
    }
  }

  /** Remembers an answered id, to tell a second answer from an unknown id; the oldest are forgotten. */
  private markAnswered(requestId: string): void {
    this.answered.add(requestId);
    if (this.answered.size > REMEMBERED_ANSWERS) {
      this.answered.delete(this.answered.values().next().value!);
    }
  }

  private protocolError(res: http.ServerResponse, status: number, errorType: string, message: string): void {
    this.protocolErrors.push(`${status} ${errorType}: ${message}`);
    reply(res, status, { errorMessage: message, errorType });
  }
}

function parseRoute(method: string, url: string): Route {
  const path = url.split('?')[0];
  if (!path.startsWith(API_PREFIX + '/')) {
    return { kind: 'unknown' };
  }
  const parts = path.slice(API_PREFIX.length + 1).split('/');
  if (method === 'GET' && parts.length === 2 && parts[0] === 'invocation' && parts[1] === 'next') {
    return { kind: 'next' };
  }
  if (method === 'POST' && parts.length === 2 && parts[0] === 'init' && parts[1] === 'error') {
    return { kind: 'init-error' };
  }
  if (method === 'POST' && parts.length === 3 && parts[0] === 'invocation' && parts[1] !== ''
    && (parts[2] === 'response' || parts[2] === 'error')) {
    return { kind: parts[2], requestId: decodeURIComponent(parts[1]) };
  }
  return { kind: 'unknown' };
}

function errorTypeOf(req: http.IncomingMessage): string | undefined {
  const value = req.headers['lambda-runtime-function-error-type'];
  return Array.isArray(value) ? value[0] : value;
}

function reply(res: http.ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
