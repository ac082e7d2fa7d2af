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
import { FunctionInfo } from './function-discovery';
import { DEFAULT_INIT_TIMEOUT_MS, MAX_SYNC_PAYLOAD_BYTES } from './lambda-limits';
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
  /** This invocation's log, START to REPORT, init output of a cold start included. */
  readonly log: string;
  readonly durationMs: number;
  /** The runtime streamed its answer (response mode `streaming`). */
  readonly streamed?: boolean;
}

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
    return new RuntimeInstance(spec, server);
  }

  private readonly server: RuntimeApiServer;
  private readonly child?: ChildProcess;
  private readonly init: Promise<InitOutcome>;
  private readonly exited: Promise<void>;
  private readonly stdioClosed: Promise<void>;
  private readonly startedAt = performance.now();
  private exitStatus?: string;
  private pendingLog = new LogBuffer();
  private captured?: LogBuffer;
  private initDurationMs?: number;
  private reportInit = true;
  private maxMemoryMb = 0;
  private failed = false;
  private closed = false;

  private constructor(private readonly spec: RuntimeInstanceSpec, server: RuntimeApiServer) {
    this.server = server;
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
    const child = spawn(bootstrap, [], {
      cwd: spec.taskRoot,
      env: spec.environment(server.address),
      detached: true, // its own process group, so that a timeout kills the handler's children too
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let spawnError: Error | undefined;
    const lambdaPath = bootstrap.startsWith(spec.taskRoot) ? '/var/task/bootstrap' : '/opt/bootstrap';
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
          resolve(outcome);
        }
      };
      // The runtime is initialized when it first asks for an event.
      const poll = setInterval(() => {
        if (this.server.nextCalls > 0) {
          settle({ ok: true });
        }
      }, 1);
      const initTimeoutMs = spec.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
      const limit = setTimeout(() => {
        this.killGroup();
        settle({ ok: false, errorType: 'Sandbox.Timedout', message: `Init timed out after ${(initTimeoutMs / 1000).toFixed(2)} seconds` });
      }, initTimeoutMs);
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
    const log = this.pendingLog;
    this.pendingLog = new LogBuffer();
    this.captured = log;
    const started = performance.now();
    this.output(`START RequestId: ${inv.requestId} Version: ${this.spec.executedVersion}\n`);
    let result: Omit<InstanceResult, 'log' | 'durationMs'>;
    let status: string | undefined;
    if (!init.ok) {
      await this.settleOutput();
      result = this.initFailure(init, inv.requestId);
      status = `Status: error\tError Type: ${result.errorType}`;
    } else {
      const outcome = await this.dispatch(inv);
      result = outcome.result;
      status = outcome.status;
    }
    const durationMs = performance.now() - started;
    this.output(`END RequestId: ${inv.requestId}\n`);
    this.output(this.report(inv.requestId, durationMs, status));
    this.captured = undefined;
    return { ...result, log: log.text(), durationMs };
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
    this.signalGroup('SIGTERM');
    await withTimeout(this.exited, SHUTDOWN_GRACE_MS);
    this.killGroup();
    await withTimeout(this.exited, 2000);
    await this.server.close();
  }

  /** The process group ID, for last-resort cleanup on process exit. */
  public get pid(): number | undefined {
    return this.child?.pid;
  }

  private async dispatch(inv: InstanceInvocation): Promise<{ result: Omit<InstanceResult, 'log' | 'durationMs'>; status?: string }> {
    const timeoutMs = this.spec.fn.timeoutSeconds * 1000;
    const rejectedBefore = this.rejectedResponses();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      this.server.invoke({
        payload: inv.payload,
        requestId: inv.requestId,
        deadlineMs: Date.now() + timeoutMs,
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
    this.sampleMemory();

    if (outcome.kind === 'timeout') {
      this.failed = true;
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
    return { result: { payload: r.body, functionError: 'Unhandled', errorType: r.errorType ?? errorTypeOf(r.body), streamed: r.streamed } };
  }

  private initFailure(init: Extract<InitOutcome, { ok: false }>, requestId: string): Omit<InstanceResult, 'log' | 'durationMs'> {
    if (init.body !== undefined && isJson(init.body)) {
      // What the runtime posted to /runtime/init/error is what the caller gets.
      return { payload: init.body, functionError: 'Unhandled', errorType: errorTypeOf(init.body) ?? init.errorType };
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

  /** Output of the runtime: to the current invocation's log, or kept for the next one. */
  private output(text: string): void {
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

  /** Peak resident memory of the runtime process (Linux), in MB. */
  private sampleMemory(): void {
    const pid = this.child?.pid;
    if (pid === undefined) {
      return;
    }
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      this.maxMemoryMb = Math.max(this.maxMemoryMb, Math.ceil(kb / 1024));
    } catch {
      // not Linux, or the process is gone
    }
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

function findBootstrap(taskRoot: string, optDir: string): string | undefined {
  for (const candidate of [path.join(taskRoot, 'bootstrap'), path.join(optDir, 'bootstrap')]) {
    try {
      if (fs.statSync(candidate).isFile()) {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      }
    } catch {
      // missing or not executable: try the next one, as Lambda does
    }
  }
  return undefined;
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

function errorResult(errorType: string, errorMessage: string): Omit<InstanceResult, 'log' | 'durationMs'> {
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

function errorTypeOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8'));
    return typeof parsed?.errorType === 'string' ? parsed.errorType : undefined;
  } catch {
    return undefined;
  }
}

/** How long a runtime may take to exit after SIGTERM when the runner closes it. */
const SHUTDOWN_GRACE_MS = 500;

async function withTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  })]);
  clearTimeout(timer);
}
