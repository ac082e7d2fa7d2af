/**
 * One execution environment: a runtime process (`bootstrap`) in its own
 * process group, the Runtime API server it talks to, and the logs it writes.
 *
 * It answers invocations one at a time (the caller serializes them) the way
 * Lambda does: init errors, the function timeout (the whole process group is
 * killed), a runtime that exits mid-invocation, and the START / END / REPORT
 * lines around each invocation's log. Once it has failed it stays dead: the
 * caller starts a new instance for the next invocation, as Lambda re-initializes
 * a fresh environment.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Extensions } from './extensions';
import { ExtensionFailure } from './extensions-api';
import { Freezer } from './freezer';
import { FunctionInfo } from './function-discovery';
import { errorBodyField } from './http-messages';
import { DEFAULT_INIT_TIMEOUT_MS, MAX_SYNC_PAYLOAD_BYTES } from './lambda-limits';
import { MemoryCell, MemoryLimiter } from './memory-limit';
import { RuntimeApiServer } from './runtime-api-server';

/** The paths Lambda looks for a bootstrap at, in order, as its error message names them. */
const LAMBDA_BOOTSTRAPS = '[/var/task/bootstrap /opt/bootstrap]';
/** How much of an invocation's log is kept (characters); LogResult needs the last 4 KB. */
const LOG_KEEP_CHARS = 64 * 1024;
/** How Lambda (a Go program) words the signals that end a runtime. */
const SIGNAL_NAMES: Record<string, string> = {
  SIGKILL: 'killed', SIGTERM: 'terminated', SIGSEGV: 'segmentation fault', SIGABRT: 'aborted', SIGINT: 'interrupt', SIGBUS: 'bus error',
};

export interface RuntimeInstanceSpec {
  readonly fn: FunctionInfo;
  readonly executedVersion: string;
  /** The staged deployment package (`/var/task`). */
  readonly taskRoot: string;
  /** The staged, merged layers (`/opt`). */
  readonly optDir: string;
  /** The process environment, given the Runtime API address. */
  readonly environment: (runtimeApi: string) => Record<string, string>;
  /** @default 10000 */
  readonly initTimeoutMs?: number;
  /** Receives everything the runtime writes, and the START / END / REPORT lines, as it happens. */
  readonly onLog?: (text: string) => void;
  /** Freeze the runtime's process group between invocations, as Lambda does. @default false */
  readonly freeze?: boolean;
  /** This environment's own scratch directory (its `/tmp`), removed when it closes. @default - none */
  readonly scratchDir?: string;
  /** The command that starts the bootstrap (given its path) in its file system layout. @default - the bootstrap itself */
  readonly launch?: (bootstrap: string) => { readonly file: string; readonly args: string[] };
  /** The memory limit the launch applies, and the measure of `Max Memory Used`. @default - no limit, measured from /proc */
  readonly memory?: MemoryCell;
}

export interface InstanceInvocation {
  readonly requestId: string;
  readonly payload: Buffer;
  readonly invokedFunctionArn: string;
  readonly traceId: string;
  readonly clientContext?: string;
  /** Receives a streamed response as it arrives (`InvokeWithResponseStream`). @default - collected */
  readonly onChunk?: (chunk: Buffer) => void;
}

export interface InstanceResult {
  readonly payload: Buffer;
  /** `Unhandled` for a function error (`X-Amz-Function-Error`). */
  readonly functionError?: string;
  /** The error type, for function errors (from the runtime's header or body, or Lambda's own). */
  readonly errorType?: string;
  /**
   * This invocation's log, START to REPORT, init output of a cold start included. When extensions
   * still run after the runtime answered, the log up to the answer (END and REPORT come at `ended`).
   */
  readonly log: string;
  readonly durationMs: number;
  /** The runtime streamed its answer (response mode `streaming`). */
  readonly streamed?: boolean;
  /**
   * When the invocation is over: at once, or, with extensions subscribed to `INVOKE`, when each of
   * them has called `next` again (Lambda answers the caller first). The environment is busy until then.
   */
  readonly ended: Promise<void>;
}

type Answer = Omit<InstanceResult, 'log' | 'durationMs' | 'ended'>;

type InitOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly errorType: string; readonly message?: string; readonly body?: Buffer };

/** Lambda's answer when a runtime's response exceeds the limit. */
function responseTooLarge(limit: number): Buffer {
  return Buffer.from(JSON.stringify({
    errorMessage: `Response payload size exceeded maximum allowed payload size (${limit} bytes).`,
    errorType: 'Function.ResponseSizeTooLarge',
  }));
}

export class RuntimeInstance {
  /** Starts the Runtime API server and the runtime process; init runs in the background. */
  public static async start(spec: RuntimeInstanceSpec): Promise<RuntimeInstance> {
    const server = await RuntimeApiServer.start({
      maxResponseBytes: MAX_SYNC_PAYLOAD_BYTES,
      timeoutMs: spec.fn.timeoutSeconds * 1000,
    });
    const startedAt = performance.now();
    const environment = spec.environment(server.address);
    // Extension init comes first: the external extensions start and register before the runtime starts.
    const early = new LogBuffer();
    let output = (text: string): void => {
      early.push(text);
      spec.onLog?.(text);
    };
    const extensions = Extensions.launch({
      optDir: spec.optDir,
      environment,
      metadata: { functionName: spec.fn.functionName, functionVersion: spec.executedVersion, handler: spec.fn.handler ?? '', accountId: spec.fn.stack.account },
      output: (text) => output(text),
    });
    server.addRoutes((req, res) => extensions.api.handle(req, res));
    const initTimeoutMs = spec.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
    const registered = await withTimeout(extensions.registered().then(() => true), initTimeoutMs);
    const instance = new RuntimeInstance(spec, server, { environment, extensions, early, startedAt, registered: registered === true });
    output = (text) => instance.output(text);
    return instance;
  }

  private readonly server: RuntimeApiServer;
  private readonly child?: ChildProcess;
  private readonly init: Promise<InitOutcome>;
  private readonly exited: Promise<void>;
  private readonly stdioClosed: Promise<void>;
  private readonly startedAt: number;
  private readonly extensions: Extensions;
  private exitStatus?: string;
  private pendingLog: LogBuffer;
  private shutdownReason: 'spindown' | 'timeout' | 'failure' = 'spindown';
  private captured?: LogBuffer;
  private initDurationMs?: number;
  private reportInit = true;
  private maxMemoryMb = 0;
  private failed = false;
  private closed = false;
  private invocations = 0;
  private readonly freezer = new Freezer((signal) => this.signalGroup(signal));
  private readonly memory: MemoryCell;

  private constructor(private readonly spec: RuntimeInstanceSpec, server: RuntimeApiServer, phase: ExtensionPhase) {
    this.server = server;
    this.memory = spec.memory ?? MemoryLimiter.of('none').cell(spec.fn.memorySize);
    this.extensions = phase.extensions;
    this.pendingLog = phase.early;
    this.startedAt = phase.startedAt;
    const initTimeoutMs = spec.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
    const extensionFailure = phase.extensions.failure;
    if (extensionFailure || !phase.registered) {
      this.exited = this.stdioClosed = Promise.resolve();
      this.init = Promise.resolve(extensionFailure
        ? { ok: false, errorType: extensionFailure.errorType, message: extensionFailure.message }
        : { ok: false, errorType: 'Sandbox.Timedout', message: `Init timed out after ${(initTimeoutMs / 1000).toFixed(2)} seconds` });
      this.failed = true;
      this.output(phase.extensions.logLines());
      return;
    }
    const bootstrap = findBootstrap(spec.taskRoot, spec.optDir);
    if (!bootstrap) {
      this.exited = this.stdioClosed = Promise.resolve();
      this.init = Promise.resolve({
        ok: false,
        errorType: 'Runtime.InvalidEntrypoint',
        message: `Couldn't find valid bootstrap(s): ${LAMBDA_BOOTSTRAPS}`,
      });
      this.output(`(locally, /var/task is ${spec.taskRoot} and /opt is ${spec.optDir}: neither holds an executable bootstrap)\n`);
      return;
    }
    const lambdaPath = bootstrap.startsWith(spec.taskRoot) ? '/var/task/bootstrap' : '/opt/bootstrap';
    if (!hasExecFormat(bootstrap)) {
      // Lambda execs the bootstrap itself; the launcher's shell would run a file without `#!` as a script.
      this.exited = this.stdioClosed = Promise.resolve();
      this.init = Promise.resolve({ ok: false, errorType: 'Runtime.InvalidEntrypoint', message: `fork/exec ${lambdaPath}: exec format error` });
      return;
    }
    const { file, args } = spec.launch?.(bootstrap) ?? { file: bootstrap, args: [] };
    const child = spawn(file, args, {
      cwd: spec.taskRoot,
      env: phase.environment,
      detached: true, // its own process group, so that a timeout kills the handler's children too
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let spawnError: Error | undefined;
    this.exited = new Promise<void>((resolve) => {
      child.once('error', (e) => {
        spawnError = e;
        this.exitStatus = 'spawn error';
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.exitStatus = signal ? `signal: ${SIGNAL_NAMES[signal] ?? signal}` : `exit status ${code}`;
        resolve();
      });
    }).then(() => {
      this.failed = true;
      this.freezer.thaw(); // nothing to freeze any more
      this.killGroup(); // leftovers of the handler
      this.server.cancelPending(`Runtime exited (${this.exitStatus})`);
    });
    this.stdioClosed = new Promise<void>((resolve) => {
      let open = 2;
      const done = (): void => {
        if (--open === 0) {
          resolve();
        }
      };
      for (const stream of [child.stdout!, child.stderr!]) {
        stream.on('data', (chunk: Buffer) => this.output(chunk.toString('utf8')));
        stream.once('close', done);
      }
    });

    this.init = new Promise<InitOutcome>((resolve) => {
      let settled = false;
      const settle = (outcome: InitOutcome): void => {
        if (!settled) {
          settled = true;
          clearInterval(poll);
          clearTimeout(limit);
          if (outcome.ok) {
            this.initDurationMs = performance.now() - this.startedAt;
          } else {
            this.failed = true;
          }
          this.output(this.extensions.logLines());
          resolve(outcome);
        }
      };
      // Init is over when the runtime first asks for an event and every registered extension has called next.
      const poll = setInterval(() => {
        if (this.server.nextCalls > 0) {
          this.extensions.api.closeRegistration();
          if (this.extensions.initialized) {
            settle({ ok: true });
          }
        }
      }, 1);
      this.extensions.onFailure((f) => {
        this.killGroup();
        settle({ ok: false, errorType: f.errorType, message: f.message });
      });
      const limit = setTimeout(() => {
        this.killGroup();
        settle({ ok: false, errorType: 'Sandbox.Timedout', message: `Init timed out after ${(initTimeoutMs / 1000).toFixed(2)} seconds` });
      }, Math.max(0, initTimeoutMs - (performance.now() - this.startedAt)));
      server.onInitError((e) => {
        settle({ ok: false, errorType: e.errorType ?? 'Runtime.Unknown', body: e.body });
        // The runtime should exit now; Lambda does not keep a failed environment.
        setTimeout(() => this.killGroup(), 100).unref();
      });
      void this.exited.then(() => settle(spawnError
        ? { ok: false, errorType: 'Runtime.InvalidEntrypoint', message: `fork/exec ${lambdaPath}: ${describeSpawnError(spawnError)}` }
        : exitOutcome(this.exitStatus!)));
    });
  }

  /** Whether the instance can take another invocation. */
  public get alive(): boolean {
    return !this.failed && !this.closed;
  }

  /** Runs one invocation to its end: response, function error, timeout or runtime exit. Never rejects. */
  public async invoke(inv: InstanceInvocation): Promise<InstanceResult> {
    const init = await this.init;
    this.freezer.thaw();
    this.invocations++;
    const log = this.pendingLog;
    this.pendingLog = new LogBuffer();
    this.captured = log;
    const started = performance.now();
    this.output(`START RequestId: ${inv.requestId} Version: ${this.spec.executedVersion}\n`);
    let result: Answer;
    let status: string | undefined;
    let extensionsDone: Promise<string | undefined> = Promise.resolve(undefined);
    if (!init.ok) {
      await this.settleOutput();
      result = this.initFailure(init, inv.requestId);
      status = `Status: error\tError Type: ${result.errorType}`;
    } else {
      const deadlineMs = Date.now() + this.spec.fn.timeoutSeconds * 1000;
      const extensionsInvoked = this.extensions.subscribedToInvoke
        ? this.extensions.invoke({ requestId: inv.requestId, deadlineMs, invokedFunctionArn: inv.invokedFunctionArn, traceId: inv.traceId })
        : undefined;
      const outcome = await this.dispatch(inv, deadlineMs);
      result = outcome.result;
      status = outcome.status;
      if (extensionsInvoked && this.alive) {
        extensionsDone = this.awaitExtensions(extensionsInvoked, deadlineMs, inv.requestId);
      }
    }
    const durationMs = performance.now() - started;
    const answeredLog = log.text();
    const ended = extensionsDone.then((extensionStatus) => {
      this.output(`END RequestId: ${inv.requestId}\n`);
      this.output(this.report(inv.requestId, performance.now() - started, extensionStatus ?? status));
      this.captured = undefined;
      if (this.spec.freeze && this.alive) {
        // Frozen once the runtime asks for the next event; thawed when it comes.
        this.freezer.freezeWhen(() => this.server.nextCalls > this.invocations);
      }
    });
    if (this.extensions.subscribedToInvoke && init.ok) {
      return { ...result, log: answeredLog, durationMs, ended };
    }
    await ended;
    return { ...result, log: log.text(), durationMs, ended };
  }

  /**
   * After the runtime answered: waits for the extensions to call next again, until the function's deadline.
   * Resolves with the REPORT status when they failed or ran out of time (the environment is then reset).
   */
  private async awaitExtensions(invoked: Promise<void>, deadlineMs: number, requestId: string): Promise<string | undefined> {
    const inTime = await withTimeout(invoked.then(() => true), Math.max(0, deadlineMs - Date.now()));
    const failure = this.extensions.failure;
    if (failure) {
      this.failEnvironment(failure, requestId);
      return `Status: error\tError Type: ${failure.errorType}`;
    }
    if (inTime !== true) {
      this.failed = true;
      this.shutdownReason = 'timeout';
      this.killGroup();
      this.output(`${new Date().toISOString()} ${requestId} Task timed out after ${this.spec.fn.timeoutSeconds.toFixed(2)} seconds\n`);
      return 'Status: timeout';
    }
    return undefined;
  }

  /** An extension failed: the environment is reset, with the error in the log as in the response. */
  private failEnvironment(failure: ExtensionFailure, requestId: string): Answer {
    this.failed = true;
    this.shutdownReason = 'failure';
    this.killGroup();
    this.server.cancelPending(failure.message);
    const message = `RequestId: ${requestId} Error: ${failure.message}`;
    this.output(`${message}\n${failure.errorType}\n`);
    return errorResult(failure.errorType, message);
  }

  /**
   * Stops the runtime and the Runtime API server. The runtime gets SIGTERM first, as Lambda's shutdown
   * does, so that it can remove its scratch files; whatever is left of its process group after a
   * grace period is killed.
   */
  public async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.freezer.thaw(); // a stopped process would not act on SIGTERM
    const graceMs = this.extensions.shutdownGraceMs(SHUTDOWN_GRACE_MS);
    this.signalGroup('SIGTERM');
    await withTimeout(Promise.all([this.exited, this.extensions.shutdown(this.shutdownReason, Date.now() + graceMs)]), graceMs);
    this.killGroup();
    await withTimeout(Promise.all([this.exited, this.extensions.kill()]), 2000);
    await this.server.close();
    this.memory.remove();
    if (this.spec.scratchDir !== undefined) {
      fs.rmSync(this.spec.scratchDir, { recursive: true, force: true });
    }
  }

  /** Whether the runtime's process group is stopped between invocations. */
  public get frozen(): boolean {
    return this.freezer.isFrozen;
  }

  /** The process group IDs of the runtime and the extensions, for last-resort cleanup on process exit. */
  public get processGroups(): number[] {
    return [...(this.child?.pid === undefined ? [] : [this.child.pid]), ...this.extensions.pids];
  }

  private async dispatch(inv: InstanceInvocation, deadlineMs: number): Promise<{ result: Answer; status?: string }> {
    const timeoutMs = Math.max(0, deadlineMs - Date.now());
    const rejectedBefore = this.rejectedResponses();
    const oomBefore = this.memory.oomKills();
    let timer: NodeJS.Timeout | undefined;
    const extensionFailed = this.extensions.failed();
    const outcome = await Promise.race([
      extensionFailed.failure.then((f) => ({ kind: 'extension' as const, f })),
      this.server.invoke({
        payload: inv.payload,
        requestId: inv.requestId,
        deadlineMs,
        invokedFunctionArn: inv.invokedFunctionArn,
        traceId: inv.traceId,
        clientContext: inv.clientContext,
        onChunk: inv.onChunk,
      }).then((r) => ({ kind: 'answer' as const, r }), () => ({ kind: 'gone' as const })),
      new Promise<{ kind: 'timeout' }>((resolve) => {
        timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    extensionFailed.cancel();
    this.sampleMemory();

    if (outcome.kind === 'extension') {
      await this.settleOutput();
      return { result: this.failEnvironment(outcome.f, inv.requestId), status: `Status: error\tError Type: ${outcome.f.errorType}` };
    }

    if (outcome.kind !== 'timeout' && this.memory.oomKills() > oomBefore) {
      // Over MemorySize: Lambda ends the invocation and does not keep the environment.
      this.failed = true;
      this.killGroup();
      this.server.cancelPending('Out of memory');
      await this.settleOutput();
      const message = `RequestId: ${inv.requestId} Error: ${exitMessage('signal: killed')}`;
      this.output(`${message}\nRuntime.OutOfMemory\n`);
      return { result: errorResult('Runtime.OutOfMemory', message), status: 'Status: error\tError Type: Runtime.OutOfMemory' };
    }

    if (outcome.kind === 'timeout') {
      this.failed = true;
      this.shutdownReason = 'timeout';
      this.killGroup();
      this.server.cancelPending('Task timed out');
      await this.settleOutput();
      const seconds = `${this.spec.fn.timeoutSeconds.toFixed(2)} seconds`;
      this.output(`${new Date().toISOString()} ${inv.requestId} Task timed out after ${seconds}\n`);
      return {
        result: errorResult('Sandbox.Timedout', `RequestId: ${inv.requestId} Error: Task timed out after ${seconds}`),
        status: 'Status: timeout',
      };
    }
    if (outcome.kind === 'gone') {
      this.shutdownReason = 'failure';
      await this.settleOutput();
      const message = `RequestId: ${inv.requestId} Error: ${exitMessage(this.exitStatus ?? 'unknown')}`;
      this.output(`${message}\nRuntime.ExitError\n`);
      return { result: errorResult('Runtime.ExitError', message), status: 'Status: error\tError Type: Runtime.ExitError' };
    }
    // Let output written just before the answer reach the log first.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const r = outcome.r;
    if (this.rejectedResponses() > rejectedBefore) {
      // The Runtime API refused an oversized response (413); whatever the runtime did next, Lambda fails the invocation.
      const limit = this.server.exceededResponseLimits[this.server.exceededResponseLimits.length - 1] ?? MAX_SYNC_PAYLOAD_BYTES;
      return { result: { payload: responseTooLarge(limit), functionError: 'Unhandled', errorType: 'Function.ResponseSizeTooLarge' } };
    }
    if (r.kind === 'response') {
      return { result: { payload: r.body, streamed: r.streamed } };
    }
    return { result: { payload: r.body, functionError: 'Unhandled', errorType: r.errorType ?? errorBodyField(r.body, 'errorType'), streamed: r.streamed } };
  }

  private initFailure(init: Extract<InitOutcome, { ok: false }>, requestId: string): Answer {
    if (init.body !== undefined && isJson(init.body)) {
      // What the runtime posted to /runtime/init/error is what the caller gets.
      return { payload: init.body, functionError: 'Unhandled', errorType: errorBodyField(init.body, 'errorType') ?? init.errorType };
    }
    const text = init.message ?? (init.body && init.body.length > 0 ? init.body.toString('utf8') : 'Runtime failed to initialize');
    const message = `RequestId: ${requestId} Error: ${text}`;
    this.output(`${message}\n${init.errorType}\n`);
    return errorResult(init.errorType, message);
  }

  private report(requestId: string, durationMs: number, status?: string): string {
    const fields = [
      `REPORT RequestId: ${requestId}`,
      `Duration: ${durationMs.toFixed(2)} ms`,
      `Billed Duration: ${Math.ceil(durationMs + (this.reportInit ? this.initDurationMs ?? 0 : 0))} ms`,
      `Memory Size: ${this.spec.fn.memorySize} MB`,
      `Max Memory Used: ${this.maxMemoryMb} MB`,
    ];
    if (this.reportInit && this.initDurationMs !== undefined) {
      fields.push(`Init Duration: ${this.initDurationMs.toFixed(2)} ms`);
    }
    this.reportInit = false;
    if (status) {
      fields.push(status);
    }
    return fields.join('\t') + '\t\n';
  }

  /** Output of the runtime and the extensions: to the current invocation's log, or kept for the next one. */
  public output(text: string): void {
    (this.captured ?? this.pendingLog).push(text);
    this.spec.onLog?.(text);
  }

  /** After the process died or was killed: wait briefly for the rest of its output. */
  private async settleOutput(): Promise<void> {
    await withTimeout(this.exited, 500);
    await withTimeout(this.stdioClosed, 200);
  }

  /** Kills the runtime and everything its handler started: a timeout on Lambda gives no grace either. */
  private killGroup(): void {
    this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, signal);
      } catch {
        // already gone
      }
    }
  }

  /** Peak memory of the environment (the cgroup's, else from /proc), in MB. */
  private sampleMemory(): void {
    this.maxMemoryMb = Math.max(this.maxMemoryMb, this.memory.maxUsedMb(this.child?.pid));
  }

  /**
   * How many responses the Runtime API server refused as too large (413): its `responsesTooLarge`
   * counter, or, from a server without one, the 413 entries of its `protocolErrors`.
   */
  private rejectedResponses(): number {
    const counter = (this.server as unknown as { readonly responsesTooLarge?: unknown }).responsesTooLarge;
    return typeof counter === 'number' ? counter : this.server.protocolErrors.filter((e) => e.startsWith('413')).length;
  }
}

/**
 * The end of a log: callers only need its last 4 KB (LogResult), so a chatty
 * runtime costs no more than `LOG_KEEP_BYTES` of memory per invocation.
 */
class LogBuffer {
  private chunks: string[] = [];
  private length = 0;

  public push(text: string): void {
    this.chunks.push(text);
    this.length += text.length;
    if (this.length > 2 * LOG_KEEP_CHARS) {
      const joined = this.chunks.join('').slice(-LOG_KEEP_CHARS);
      this.chunks = [joined];
      this.length = joined.length;
    }
  }

  public text(): string {
    return this.chunks.join('');
  }
}

/** The bootstrap Lambda would start: the code's if it is an executable file, else the layers'. */
export function findBootstrap(taskRoot: string, optDir: string): string | undefined {
  return [path.join(taskRoot, 'bootstrap'), path.join(optDir, 'bootstrap')].find(isExecutableFile);
}

/** Whether the kernel can exec `file`: a `#!` script or an ELF binary. */
function hasExecFormat(file: string): boolean {
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, 'r');
  try {
    const n = fs.readSync(fd, head, 0, 4, 0);
    return (n >= 2 && head.subarray(0, 2).toString('latin1') === '#!') || (n === 4 && head.toString('latin1') === '\x7fELF');
  } finally {
    fs.closeSync(fd);
  }
}

export function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false; // missing or not executable
  }
}

function exitOutcome(status: string): InitOutcome {
  return { ok: false, errorType: 'Runtime.ExitError', message: exitMessage(status) };
}

function exitMessage(status: string): string {
  return status === 'exit status 0' ? 'Runtime exited without providing a reason' : `Runtime exited with error: ${status}`;
}

function describeSpawnError(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': return 'permission denied';
    case 'ENOEXEC': return 'exec format error';
    default: return e.message;
  }
}

function errorResult(errorType: string, errorMessage: string): Answer {
  return { payload: Buffer.from(JSON.stringify({ errorType, errorMessage })), functionError: 'Unhandled', errorType };
}

function isJson(body: Buffer): boolean {
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}


/** How long a runtime without extensions may take to exit after SIGTERM when the runner closes it. */
const SHUTDOWN_GRACE_MS = 500;

/** What the extension init phase left for the runtime's init. */
interface ExtensionPhase {
  readonly environment: Record<string, string>;
  readonly extensions: Extensions;
  /** The extensions' output so far. */
  readonly early: LogBuffer;
  readonly startedAt: number;
  /** Whether every external extension registered within the init timeout. */
  readonly registered: boolean;
}

/** Waits for `p` at most `ms`: its value, or `undefined` when the time ran out. */
async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([p, new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  })]);
  clearTimeout(timer);
  return result;
}
