/**
 * Lambda's Invoke API on loopback, answered by a `LocalRunner`:
 * `POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=Q]`,
 * with the request and response headers of the real API and its error
 * shape, so that the AWS CLI and SDKs work against it (`--endpoint-url`);
 * and `InvokeWithResponseStream` (see `response-stream-api.ts`).
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { InvokeError, LocalRunnerError } from './errors';
import { jsonHeaders, readBody } from './http-messages';
import { checkRequestSize, maxRequestBytes } from './lambda-limits';
import { InvokeRequest, LocalRunner } from './local-runner';
import { answerReadApi } from './read-api';
import { RESPONSE_STREAM_PATH, streamInvocation } from './response-stream-api';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

export interface InvokeApiServerOptions {
  /** @default 0 (any free port) */
  readonly port?: number;
  /** @default 127.0.0.1 */
  readonly host?: string;
}

export class InvokeApiServer {
  /** Listens on loopback; the runner's runtimes start on their first invocation and stay warm. */
  public static async start(runner: LocalRunner, options: InvokeApiServerOptions = {}): Promise<InvokeApiServer> {
    const server = new InvokeApiServer(runner);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  private readonly server: http.Server;

  private constructor(private readonly runner: LocalRunner) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: Error) => sendError(res, new InvokeError('ServiceException', e.message)));
    });
  }

  /** `http://127.0.0.1:<port>`: the endpoint URL for the AWS CLI and SDKs. */
  public get url(): string {
    const info = this.server.address() as AddressInfo;
    return `http://${info.address}:${info.port}`;
  }

  public get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops listening (the runner stays open: close it too). */
  public async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const streamMatch = RESPONSE_STREAM_PATH.exec(url.pathname);
    const match = INVOKE_PATH.exec(url.pathname) ?? streamMatch;
    if (req.method !== 'POST' || !match) {
      req.resume();
      if (this.answerRead(req, res, url)) {
        return;
      }
      sendError(res, new InvokeError('UnknownOperationException', `Unknown operation: ${req.method} ${url.pathname}`));
      return;
    }
    const invocationType = header(req, 'x-amz-invocation-type');
    const { body, size } = await readBody(req, maxRequestBytes(invocationType));
    let functionName: string;
    try {
      functionName = decodeURIComponent(match[1]);
    } catch {
      functionName = match[1];
    }
    try {
      checkRequestSize(size, invocationType);
      const request: InvokeRequest = {
        functionName,
        qualifier: url.searchParams.get('Qualifier') ?? undefined,
        invocationType,
        logType: header(req, 'x-amz-log-type'),
        clientContext: header(req, 'x-amz-client-context'),
        payload: body,
      };
      if (streamMatch) {
        await streamInvocation(this.runner, request, res);
        return;
      }
      const result = await this.runner.invoke(request);
      const headers = jsonHeaders(result.payload, {
        'X-Amz-Executed-Version': result.executedVersion,
        'X-Amz-Function-Error': result.functionError,
        'X-Amz-Log-Result': result.logResult,
      }, { 'x-amzn-RequestId': result.requestId });
      res.writeHead(result.statusCode, headers);
      res.end(result.payload);
    } catch (e) {
      if (e instanceof InvokeError) {
        sendError(res, e);
      } else if (e instanceof LocalRunnerError) {
        sendError(res, new InvokeError('ServiceException', e.message));
      } else {
        throw e;
      }
    }
  }

  /** ListFunctions, GetFunction, ListAliases, ...: answered from the cloud assembly; false when the request is none of them. */
  private answerRead(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    try {
      const answer = answerReadApi(this.runner.assembly, { method: req.method ?? 'GET', url });
      if (answer === undefined) {
        return false;
      }
      const body = Buffer.from(JSON.stringify(answer.body));
      res.writeHead(answer.statusCode, jsonHeaders(body, {}));
      res.end(body);
    } catch (e) {
      sendError(res, e instanceof InvokeError ? e : new InvokeError('ServiceException', (e as Error).message));
    }
    return true;
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Lambda's error shape: the `x-amzn-ErrorType` header and `{"Type":"User","message":...}` (plus e.g. a throttle's `Reason`). */
function sendError(res: http.ServerResponse, error: InvokeError, status: number = error.statusCode): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ Type: error.faultType, message: error.message, ...error.details });
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-ErrorType': error.errorType,
  });
  res.end(body);
}
