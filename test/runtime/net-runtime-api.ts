/**
 * A second Runtime API server, written on `node:net` apart from src/runner's: it speaks HTTP/1.1
 * by hand, so that it can answer the ways real servers may and ours does not. Each `Behaviour`
 * is one of them; the shell runtime must give the same answers whichever it meets.
 */
import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { InitError, InvocationResult, RuntimeInvocation } from '../../src/runner/runtime-api-server';

export interface Behaviour {
  /** Every answer says `Connection: close`, and the server closes the connection after it. */
  readonly closeAfterAnswer?: boolean;
  /** The status line and headers go out in this many writes, `delayMs` apart. @default 1 */
  readonly headerWrites?: number;
  /** @default 20 */
  readonly delayMs?: number;
  /** Header names in upper case (`LAMBDA-RUNTIME-AWS-REQUEST-ID`). */
  readonly upperCaseHeaders?: boolean;
  /** Answers in HTTP/1.0, and closes the connection after each. */
  readonly http10?: boolean;
  /** Events are sent with `Transfer-Encoding: chunked`, in chunks of this many bytes. */
  readonly chunkBytes?: number;
  /** An interim `100 Continue` goes before every answer. */
  readonly interimContinue?: boolean;
  /** Events carry no Content-Length: their end is the end of the connection. */
  readonly closeDelimited?: boolean;
  /** The first post to `/response` is taken, and its connection destroyed without an answer. */
  readonly dropFirstAnswer?: boolean;
}

interface Request {
  readonly method: string;
  readonly path: string;
  readonly headers: Map<string, string>;
  readonly body: Buffer;
}

interface Pending {
  readonly invocation: RuntimeInvocation;
  readonly requestId: string;
  readonly resolve: (result: InvocationResult) => void;
  readonly reject: (error: Error) => void;
}

const PREFIX = '/2018-06-01/runtime';

export class NetRuntimeApi {
  public static async start(behaviour: Behaviour): Promise<NetRuntimeApi> {
    const api = new NetRuntimeApi(behaviour);
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  public readonly initErrors: InitError[] = [];
  /** Every post for a request id that was answered already, or is unknown. */
  public readonly protocolErrors: string[] = [];
  /** How many connections the runtime opened. */
  public connections = 0;
  private nextCount = 0;
  private droppedOne = false;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly queue: Pending[] = [];
  private readonly waiting: net.Socket[] = [];
  private readonly inFlight = new Map<string, Pending>();
  private readonly answered = new Set<string>();

  private constructor(private readonly behaviour: Behaviour) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  public get address(): string {
    const info = this.server.address() as net.AddressInfo;
    return `${info.address}:${info.port}`;
  }

  public get nextCalls(): number {
    return this.nextCount;
  }

  public invoke(invocation: RuntimeInvocation): Promise<InvocationResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ invocation, requestId: invocation.requestId ?? randomUUID(), resolve, reject });
      this.dispatch();
    });
  }

  public cancelPending(reason: string): void {
    for (const entry of [...this.inFlight.values(), ...this.queue.splice(0)]) {
      entry.reject(new Error(reason));
    }
    this.inFlight.clear();
  }

  public async close(): Promise<void> {
    this.cancelPending('server closed');
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.connections++;
    // As node:http does: without it, the body written after the headers waits for the runtime's
    // delayed ACK of the headers (Nagle's algorithm), 40 ms per answer, whatever the runtime.
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      for (let parsed = parseRequest(buffered); parsed; parsed = parseRequest(buffered)) {
        buffered = buffered.subarray(parsed.used);
        this.route(socket, parsed.request);
      }
    });
  }

  private route(socket: net.Socket, request: Request): void {
    const path = request.path.startsWith(PREFIX) ? request.path.slice(PREFIX.length) : request.path;
    const answer = /^\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (request.method === 'GET' && path === '/invocation/next') {
      this.nextCount++;
      this.waiting.push(socket);
      this.dispatch();
    } else if (request.method === 'POST' && path === '/init/error') {
      this.initErrors.push({ errorType: request.headers.get('lambda-runtime-function-error-type'), body: request.body });
      void this.reply(socket, 202, {}, Buffer.from('{"status":"OK"}'));
    } else if (request.method === 'POST' && answer) {
      this.answer(socket, decodeURIComponent(answer[1]), answer[2] as 'response' | 'error', request);
    } else {
      void this.reply(socket, 404, {}, Buffer.from('{"errorType":"UnknownPath"}'));
    }
  }

  private answer(socket: net.Socket, requestId: string, kind: 'response' | 'error', request: Request): void {
    const entry = this.inFlight.get(requestId);
    if (!entry) {
      this.protocolErrors.push(`${kind} for ${this.answered.has(requestId) ? 'an answered' : 'an unknown'} request id ${requestId}`);
      void this.reply(socket, 400, {}, Buffer.from('{"errorType":"InvalidStateTransition"}'));
      return;
    }
    this.inFlight.delete(requestId);
    this.answered.add(requestId);
    entry.resolve(kind === 'response'
      ? { kind, requestId, body: request.body }
      : { kind, requestId, errorType: request.headers.get('lambda-runtime-function-error-type'), body: request.body });
    if (kind === 'response' && this.behaviour.dropFirstAnswer && !this.droppedOne) {
      this.droppedOne = true;
      socket.destroy();
      return;
    }
    void this.reply(socket, 202, {}, Buffer.from('{"status":"OK"}'));
  }

  private dispatch(): void {
    while (this.queue.length > 0 && this.waiting.length > 0) {
      const socket = this.waiting.shift()!;
      if (socket.destroyed) {
        continue;
      }
      const entry = this.queue.shift()!;
      const inv = entry.invocation;
      this.inFlight.set(entry.requestId, entry);
      const headers: Record<string, string | undefined> = {
        'Content-Type': 'application/json',
        'Lambda-Runtime-Aws-Request-Id': entry.requestId,
        'Lambda-Runtime-Deadline-Ms': String(inv.deadlineMs ?? Date.now() + 3000),
        'Lambda-Runtime-Invoked-Function-Arn': inv.invokedFunctionArn ?? 'arn:aws:lambda:us-east-1:123456789012:function:net',
        'Lambda-Runtime-Trace-Id': inv.traceId,
        'Lambda-Runtime-Client-Context': inv.clientContext,
        'Lambda-Runtime-Cognito-Identity': inv.cognitoIdentity,
      };
      void this.reply(socket, 200, headers, inv.payload, true);
    }
  }

  /** Writes one answer the way the behaviour says. */
  private async reply(socket: net.Socket, status: number, extra: Record<string, string | undefined>,
    body: Buffer, isEvent: boolean = false): Promise<void> {
    const b = this.behaviour;
    const closing = b.closeAfterAnswer || b.http10 || (isEvent && b.closeDelimited);
    const chunked = isEvent && b.chunkBytes !== undefined && !b.http10;
    const headers: Array<[string, string]> = Object.entries(extra).filter((e): e is [string, string] => e[1] !== undefined);
    if (chunked) {
      headers.push(['Transfer-Encoding', 'chunked']);
    } else if (!(isEvent && b.closeDelimited)) {
      headers.push(['Content-Length', String(body.length)]);
    }
    if (closing && !b.http10) {
      headers.push(['Connection', 'close']);
    }
    const head = `HTTP/${b.http10 ? '1.0' : '1.1'} ${status} ${status === 200 ? 'OK' : 'Status'}\r\n`
      + headers.map(([name, value]) => `${b.upperCaseHeaders ? name.toUpperCase() : name}: ${value}\r\n`).join('') + '\r\n';
    if (b.interimContinue) {
      socket.write('HTTP/1.1 100 Continue\r\n\r\n');
    }
    const writes = b.headerWrites ?? 1;
    const step = Math.ceil(head.length / writes);
    for (let at = 0; at < head.length; at += step) {
      socket.write(head.slice(at, at + step));
      if (writes > 1) {
        await new Promise((resolve) => setTimeout(resolve, b.delayMs ?? 20));
      }
    }
    if (chunked) {
      for (let at = 0; at < body.length; at += b.chunkBytes!) {
        const chunk = body.subarray(at, at + b.chunkBytes!);
        socket.write(`${chunk.length.toString(16)}\r\n`);
        socket.write(chunk);
        socket.write('\r\n');
      }
      socket.write('0\r\n\r\n');
    } else {
      socket.write(body);
    }
    if (closing) {
      socket.end();
    }
  }
}

/** One whole request at the start of `data` (Content-Length or chunked body), or undefined if more must come. */
function parseRequest(data: Buffer): { request: Request; used: number } | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) {
    return undefined;
  }
  const [line, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const [method, path] = line.split(' ');
  const headers = new Map(lines.map((h) => [h.slice(0, h.indexOf(':')).trim().toLowerCase(), h.slice(h.indexOf(':') + 1).trim()]));
  let at = end + 4;
  if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) {
    const chunks: Buffer[] = [];
    for (;;) {
      const lineEnd = data.indexOf('\r\n', at);
      if (lineEnd < 0) {
        return undefined;
      }
      const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
      if (size === 0) {
        const trailerEnd = data.indexOf('\r\n', lineEnd + 2);
        return trailerEnd < 0 ? undefined : { request: { method, path, headers, body: Buffer.concat(chunks) }, used: trailerEnd + 2 };
      }
      if (data.length < lineEnd + 2 + size + 2) {
        return undefined;
      }
      chunks.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  const length = Number(headers.get('content-length') ?? 0);
  return data.length < at + length ? undefined
    : { request: { method, path, headers, body: Buffer.from(data.subarray(at, at + length)) }, used: at + length };
}
