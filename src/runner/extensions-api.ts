/**
 * Lambda's Extensions API (version 2020-01-01), served on the runtime's own
 * `AWS_LAMBDA_RUNTIME_API` address next to the Runtime API:
 *
 * - `POST /2020-01-01/extension/register` (`Lambda-Extension-Name`, body `{"events":[...]}`)
 *   answers `Lambda-Extension-Identifier` and `{functionName, functionVersion, handler}`;
 * - `GET /2020-01-01/extension/event/next` long-polls for the next `INVOKE` or `SHUTDOWN` event;
 * - `POST /2020-01-01/extension/init/error` and `/exit/error` (`Lambda-Extension-Function-Error-Type`).
 *
 * An extension whose name is the file name of an executable in `/opt/extensions` is external;
 * any other name is an internal extension (registered by the runtime process during its init):
 * it may subscribe to `INVOKE` only, and only until the runtime asks for its first event.
 * Errors are 403s with `{"errorMessage","errorType"}`, with the error types of Lambda.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { readBody } from './http-messages';

const PREFIX = '/2020-01-01/extension/';
/** At most 10 extensions per function, external and internal together. */
export const MAX_EXTENSIONS = 10;

export type ExtensionEventType = 'INVOKE' | 'SHUTDOWN';

/** The fatal errors of an extension, as Lambda names them. */
export const EXTENSION_ERRORS = {
  /** The extension called `/extension/init/error`. */
  initError: 'Extension.InitError',
  /** The extension called `/extension/exit/error`. */
  exitError: 'Extension.ExitError',
  /** The extension process exited when Lambda did not expect it to. */
  crash: 'Extension.Crash',
  /** The extension's executable could not be started. */
  launchError: 'Extension.LaunchError',
} as const;

/** What the register response tells an extension about the function. */
export interface FunctionMetadata {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly handler: string;
  readonly accountId: string;
}

/** A fatal error of one extension: it fails the init or the invocation, and the environment. */
export interface ExtensionFailure {
  readonly name: string;
  readonly errorType: string;
  readonly message: string;
}

/** One registered extension. */
export class RegisteredExtension {
  public readonly id = randomUUID();
  /** `Registered` until its first `next`, then `Ready` (waiting) or `Running` (handling an event). */
  public state: 'Registered' | 'Ready' | 'Running' | 'InitError' | 'ExitError' = 'Registered';
  private waiting?: http.ServerResponse;
  private readonly queue: object[] = [];
  private readonly idleListeners: Array<() => void> = [];

  constructor(public readonly name: string, public readonly external: boolean, public readonly events: ReadonlySet<ExtensionEventType>) {}

  /** Whether the extension called `next` and is waiting for an event. */
  public get idle(): boolean {
    return this.state === 'Ready';
  }

  /** Resolves the next time the extension is idle (at once if it is). */
  public whenIdle(): Promise<void> {
    return this.idle ? Promise.resolve() : new Promise((resolve) => this.idleListeners.push(resolve));
  }

  /** Queues an event; it is delivered on the pending or the next `next` call. */
  public send(event: object): void {
    this.queue.push(event);
    this.state = this.state === 'Ready' ? 'Running' : this.state;
    this.deliver();
  }

  /** `GET /event/next`: the extension is done with its last event and waits for one. */
  public next(res: http.ServerResponse): void {
    this.waiting?.destroy();
    this.waiting = res;
    res.on('close', () => {
      if (this.waiting === res) {
        this.waiting = undefined;
      }
    });
    if (this.queue.length === 0) {
      this.state = 'Ready';
      this.idleListeners.splice(0).forEach((listener) => listener());
    }
    this.deliver();
  }

  /** Ends a pending long poll (the environment goes away). */
  public disconnect(): void {
    this.waiting?.destroy();
    this.waiting = undefined;
  }

  private deliver(): void {
    const res = this.waiting;
    if (res === undefined || this.queue.length === 0) {
      return;
    }
    this.waiting = undefined;
    this.state = 'Running';
    const body = Buffer.from(JSON.stringify(this.queue.shift()));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length, 'Lambda-Extension-Event-Identifier': randomUUID() });
    res.end(body);
  }
}

class ApiError extends Error {
  constructor(public readonly errorType: string, message: string) {
    super(message);
  }
}

export class ExtensionsApi {
  private readonly extensions: RegisteredExtension[] = [];
  private readonly failureListeners: Array<(failure: ExtensionFailure) => void> = [];
  private registrationOpen = true;

  /** `externalNames`: the file names of the executables in `/opt/extensions` that were started. */
  constructor(private readonly metadata: FunctionMetadata, private readonly externalNames: ReadonlySet<string>) {}

  /** Every registered extension, in registration order. */
  public get registered(): readonly RegisteredExtension[] {
    return this.extensions;
  }

  /** Whether the external extension `name` has registered. */
  public hasRegistered(name: string): boolean {
    return this.extensions.some((e) => e.external && e.name === name);
  }

  /** Internal extensions register during the runtime's init only: closed when the runtime first asks for an event. */
  public closeRegistration(): void {
    this.registrationOpen = false;
  }

  /** Calls `listener` for each `init/error` and `exit/error`. */
  public onFailure(listener: (failure: ExtensionFailure) => void): void {
    this.failureListeners.push(listener);
  }

  /** Sends `event` to every extension subscribed to its type; resolves once each of them has called `next` again. */
  public dispatch(type: ExtensionEventType, event: object, only: (e: RegisteredExtension) => boolean = () => true): Promise<void> {
    const targets = this.extensions.filter((e) => e.events.has(type) && only(e) && (e.state === 'Ready' || e.state === 'Running'));
    for (const target of targets) {
      target.send({ eventType: type, ...event });
    }
    return Promise.all(targets.map((t) => t.whenIdle())).then(() => undefined);
  }

  /** Ends every pending long poll. */
  public disconnectAll(): void {
    this.extensions.forEach((e) => e.disconnect());
  }

  /** Routes a request of the Runtime API server; `false` when it is not an Extensions API path. */
  public handle(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (!path.startsWith(PREFIX)) {
      return false;
    }
    void readBody(req, 1024 * 1024).then(({ body }) => {
      try {
        this.route(req.method ?? '', path.slice(PREFIX.length), req, body, res);
      } catch (e) {
        const error = e instanceof ApiError ? e : new ApiError('Extension.Unknown', (e as Error).message);
        reply(res, error.errorType === 'UnknownPath' ? 404 : 403, { errorMessage: error.message, errorType: error.errorType });
      }
    }, () => res.destroy());
    return true;
  }

  private route(method: string, path: string, req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    if (method === 'POST' && path === 'register') {
      const extension = this.register(header(req, 'lambda-extension-name'), body);
      const accountFeature = (header(req, 'lambda-extension-accept-feature') ?? '').split(',').map((f) => f.trim()).includes('accountId');
      const { accountId, ...metadata } = this.metadata;
      const text = Buffer.from(JSON.stringify(accountFeature ? { ...metadata, accountId } : metadata));
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': text.length, 'Lambda-Extension-Identifier': extension.id });
      res.end(text);
      return;
    }
    if (!['event/next', 'init/error', 'exit/error'].includes(path) || method !== (path === 'event/next' ? 'GET' : 'POST')) {
      throw new ApiError('UnknownPath', `${method} ${PREFIX}${path}`);
    }
    const extension = this.identify(header(req, 'lambda-extension-identifier'));
    if (path === 'event/next') {
      if (extension.state === 'InitError' || extension.state === 'ExitError') {
        throw new ApiError('Extension.InvalidExtensionState', `State transition from ${extension.state} to Ready failed for extension ${extension.id}`);
      }
      extension.next(res);
      return;
    }
    const errorType = header(req, 'lambda-extension-function-error-type');
    if (!errorType) {
      throw new ApiError('Extension.MissingHeader', 'Lambda-Extension-Function-Error-Type not found');
    }
    const isInit = path === 'init/error';
    if (isInit && extension.state !== 'Registered') {
      throw new ApiError('Extension.InvalidExtensionState', `State transition from ${extension.state} to InitError failed for extension ${extension.id}`);
    }
    extension.state = isInit ? 'InitError' : 'ExitError';
    extension.disconnect();
    reply(res, 202, { status: 'OK' });
    const reported = messageOf(body);
    const failure: ExtensionFailure = {
      name: extension.name,
      errorType: isInit ? EXTENSION_ERRORS.initError : EXTENSION_ERRORS.exitError,
      message: `Extension ${extension.name} reported ${isInit ? 'an init' : 'an exit'} error: ${errorType}${reported ? `: ${reported}` : ''}`,
    };
    this.failureListeners.forEach((listener) => listener(failure));
  }

  private register(name: string | undefined, body: Buffer): RegisteredExtension {
    if (!name) {
      throw new ApiError('Extension.InvalidExtensionName', 'Empty extension name');
    }
    let events: unknown;
    try {
      events = JSON.parse(body.toString('utf8') || '{}').events ?? [];
    } catch (e) {
      throw new ApiError('InvalidRequestFormat', (e as Error).message);
    }
    if (!Array.isArray(events)) {
      throw new ApiError('InvalidRequestFormat', 'events must be an array');
    }
    const external = this.externalNames.has(name);
    for (const event of events) {
      if (event !== 'INVOKE' && event !== 'SHUTDOWN') {
        throw new ApiError('Extension.InvalidEventType', `${event}: invalid event type`);
      }
      if (event === 'SHUTDOWN' && !external) {
        throw new ApiError('Extension.InvalidEventType', `${event}: internal extensions cannot register for SHUTDOWN`);
      }
    }
    if (this.extensions.some((e) => e.name === name)) {
      throw new ApiError('Extension.InvalidExtensionState', `Extension ${name} is already registered`);
    }
    if (!external && !this.registrationOpen) {
      throw new ApiError('Extension.RegistrationClosed', 'Extension registration closed already');
    }
    if (!external && this.extensions.length >= MAX_EXTENSIONS) {
      throw new ApiError('Extension.TooManyExtensions', `Extension limit (${MAX_EXTENSIONS}) reached`);
    }
    const extension = new RegisteredExtension(name, external, new Set(events as ExtensionEventType[]));
    this.extensions.push(extension);
    return extension;
  }

  private identify(id: string | undefined): RegisteredExtension {
    if (!id) {
      throw new ApiError('Extension.MissingExtensionIdentifier', 'Missing Lambda-Extension-Identifier header');
    }
    const extension = this.extensions.find((e) => e.id === id);
    if (!extension) {
      throw new ApiError('Extension.UnknownExtensionIdentifier', `Unknown extension ${id}`);
    }
    return extension;
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The `errorMessage` of a posted error body, if it has one. */
function messageOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8'));
    return typeof parsed?.errorMessage === 'string' ? parsed.errorMessage : undefined;
  } catch {
    return undefined;
  }
}

function reply(res: http.ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
