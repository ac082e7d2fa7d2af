/**
 * The local runner: Lambda's Invoke API over the functions of a cloud assembly,
 * answered by runtime processes on this machine.
 *
 * Each function version scales out to warm execution environments (an alias
 * runs in those of its version), started on demand and reused, one invocation
 * at a time each, up to the function's concurrency limit: beyond it synchronous
 * calls are throttled and `Event` invocations wait. `Event` invocations are
 * retried per the function's asynchronous invocation settings, then go to a
 * local dead-letter queue file.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudAssemblyOptions } from './assembly-manifest';
import { AssetLocation, AssetOrError } from './assets';
import { CloudAssembly, ResolvedTarget } from './cloud-assembly';
import { ConcurrencyGate, concurrencyLimit, DEFAULT_MAX_CONCURRENCY } from './concurrency';
import { DestinationCondition, destinationFile, invocationRecord } from './destinations';
import { buildEnvironment } from './environment';
import { InvokeError, LocalRunnerError } from './errors';
import { ExecutionEnvironmentOptions, ExecutionEnvironments } from './execution-environment';
import { describe, DestinationInfo, FunctionInfo } from './function-discovery';
import { environmentKey } from './function-fingerprint';
import { InstancePool } from './instance-pool';
import {
  checkRequestSize, DLQ_ERROR_MESSAGE_BYTES, LOG_TAIL_BYTES, MAX_CLIENT_CONTEXT_BYTES,
} from './lambda-limits';
import { InstanceResult, RuntimeInstance } from './runtime-instance';
import { Stager } from './staging';

const INVOCATION_TYPES = ['RequestResponse', 'Event', 'DryRun'] as const;
const LOG_TYPES = ['None', 'Tail'] as const;

export type InvocationType = typeof INVOCATION_TYPES[number];
export type LogType = typeof LOG_TYPES[number];

export interface LocalRunnerOptions extends CloudAssemblyOptions, ExecutionEnvironmentOptions {
  /**
   * Where `Event` invocations that failed every attempt are written, one JSON Lines file per function.
   * @default - `<parent of the cloud assembly>/.local-runner/dlq`
   */
  readonly dlqDir?: string;
  /**
   * Delay before each retry of a failed `Event` invocation: the first entry before the second attempt,
   * the second before the third. Lambda waits about 1 and 2 minutes.
   * @default [0, 0]
   */
  readonly asyncRetryDelaysMs?: readonly number[];
  /** Variables set over the function's own (e.g. for values that are only known after deployment). */
  readonly environment?: Record<string, string>;
  /** Receives the runtimes' output and the START / END / REPORT lines, as they come. @default - discarded */
  readonly onLog?: (text: string) => void;
  /** Receives warnings (each one once), e.g. an environment variable that cannot be resolved. @default - written to stderr */
  readonly onWarning?: (message: string) => void;
  /** Parent of the temporary directory the code and layers are staged in. @default - the OS temp dir */
  readonly tmpDir?: string;
  /** Init phase limit. @default 10000 */
  readonly initTimeoutMs?: number;
  /** The clock the maximum event age is measured with (epoch ms). @default Date.now */
  readonly clock?: () => number;
  /**
   * The most invocations of one function that run at once (each in an environment of its own), where the
   * function has no lower reserved concurrency; the local stand-in for the account's concurrency.
   * @default 10
   */
  readonly maxConcurrency?: number;
}

export interface InvokeRequest {
  /** Logical ID, construct path, FunctionName or ARN; optional when the assembly holds one function. */
  readonly functionName?: string;
  /** `$LATEST`, a version number or an alias name. */
  readonly qualifier?: string;
  /** @default RequestResponse */
  readonly invocationType?: string;
  /** @default None */
  readonly logType?: string;
  /** The event (JSON). @default '{}' */
  readonly payload?: Buffer | string;
  /** Base64-encoded JSON object, passed to the runtime for synchronous invocations. */
  readonly clientContext?: string;
  /**
   * Receives the response of a function that streams, as it arrives (`InvokeWithResponseStream`);
   * the result's payload is then empty. A buffered function's response is in the payload.
   * @default - a streamed response is collected into the payload, up to 6 MB, as Invoke does
   */
  readonly onResponseChunk?: (chunk: Buffer) => void;
  /** @default - a random UUID */
  readonly requestId?: string;
}

export interface InvokeResponse {
  /** 200, 202 or 204 for RequestResponse, Event or DryRun. */
  readonly statusCode: number;
  readonly requestId: string;
  /** `X-Amz-Executed-Version`, for RequestResponse. */
  readonly executedVersion?: string;
  /** `X-Amz-Function-Error`: `Unhandled` when the function failed. */
  readonly functionError?: string;
  /** `X-Amz-Log-Result`: base64 of the last 4 KB of the log, with LogType Tail. */
  readonly logResult?: string;
  /** The function's response or error object; empty for Event and DryRun. */
  readonly payload: Buffer;
  /** The function streamed its response (to `onResponseChunk`, when given). */
  readonly streamed?: boolean;
}

/** A line of a local dead-letter queue file. */
export interface DeadLetter {
  readonly timestamp: string;
  readonly functionName: string;
  readonly qualifier: string;
  /** `RetriesExhausted` or `EventAgeExceeded`. */
  readonly condition: string;
  readonly approximateInvokeCount: number;
  /** The event, exactly as it was sent. */
  readonly body: string;
  /** Lambda's DLQ message attributes. */
  readonly RequestID: string;
  readonly ErrorCode?: number;
  readonly ErrorMessage?: string;
}

const liveRunners = new Set<LocalRunner>();
let exitHookInstalled = false;

export class LocalRunner {
  /** Reads the cloud assembly; nothing runs until the first invocation. */
  public static open(assemblyDir: string, options: LocalRunnerOptions = {}): LocalRunner {
    return new LocalRunner(CloudAssembly.load(assemblyDir, options), options);
  }

  private current: CloudAssembly;
  /** Directory of the local dead-letter queue files. */
  public readonly dlqDir: string;
  private readonly options: LocalRunnerOptions;
  /** Environments by function version (and its code and configuration, see `environmentKey`). */
  private readonly pools = new Map<string, InstancePool>();
  /** Pools of functions that changed in a reload: they finish what they were given, then stop. */
  private readonly retired = new Set<InstancePool>();
  /** Invocations in flight by function. */
  private readonly gates = new Map<FunctionInfo, ConcurrencyGate>();
  private readonly asyncTasks = new Set<Promise<void>>();
  private readonly warned = new Set<string>();
  private readonly sleepers = new Set<() => void>();
  private stager?: Stager;
  private environments?: ExecutionEnvironments;
  private starts = 0;
  private closed = false;

  private constructor(assembly: CloudAssembly, options: LocalRunnerOptions) {
    this.current = assembly;
    this.options = options;
    this.dlqDir = path.resolve(options.dlqDir ?? path.join(path.dirname(assembly.directory), '.local-runner', 'dlq'));
    liveRunners.add(this);
    installExitHook();
  }

  /** The cloud assembly invocations run against: the one opened, or the last one `reload()` read. */
  public get assembly(): CloudAssembly {
    return this.current;
  }

  /**
   * Reads the cloud assembly again and runs the next invocations against it. The environments of
   * functions whose code or configuration changed are retired: invocations already running or queued
   * there finish on the old code, then their runtime stops; the next ones start the new code.
   * Unchanged functions keep their warm runtimes.
   * @returns the construct paths of the functions that changed, were added or removed
   * @throws LocalRunnerError when the new assembly cannot be read (the current one stays)
   */
  public reload(): string[] {
    const next = CloudAssembly.load(this.current.directory, this.options);
    const keys = (a: CloudAssembly): Map<string, FunctionInfo> => new Map(a.functions.map((fn) => [environmentKey(fn), fn]));
    const before = keys(this.current);
    const after = keys(next);
    this.current = next;
    for (const [key, pool] of [...this.pools]) {
      if (!after.has(key.slice(0, key.lastIndexOf('@')))) {
        this.pools.delete(key);
        this.retired.add(pool);
        void pool.drain().then(() => this.retired.delete(pool));
      }
    }
    const changed = [...before].filter(([key]) => !after.has(key)).map(([, fn]) => describe(fn));
    const added = [...after].filter(([key]) => !before.has(key)).map(([, fn]) => describe(fn));
    return [...new Set([...changed, ...added])];
  }

  /** How many runtime processes were started (cold starts). */
  public get runtimeStarts(): number {
    return this.starts;
  }

  /** The Invoke API. Rejects with an `InvokeError` when Lambda would answer with an error status. */
  public async invoke(request: InvokeRequest): Promise<InvokeResponse> {
    if (this.closed) {
      throw new InvokeError('ServiceException', 'The local runner is closed');
    }
    const invocationType = oneOf(request.invocationType ?? 'RequestResponse', INVOCATION_TYPES, 'invocationType');
    const logType = oneOf(request.logType ?? 'None', LOG_TYPES, 'logType');
    const payload = request.payload === undefined ? Buffer.alloc(0)
      : Buffer.isBuffer(request.payload) ? request.payload : Buffer.from(request.payload, 'utf8');
    checkRequestSize(payload.length, invocationType);
    const target = this.assembly.resolve(request.functionName, request.qualifier);
    const event = payload.length === 0 ? Buffer.from('{}') : payload;
    validateJson(event);
    const clientContext = invocationType === 'RequestResponse' ? decodeClientContext(request.clientContext) : undefined;
    // Fails here (before a 202) when the code or a layer cannot be found locally.
    this.stage(target.fn);
    const requestId = request.requestId ?? randomUUID();

    if (invocationType === 'DryRun') {
      return { statusCode: 204, requestId, payload: Buffer.alloc(0) };
    }
    if (invocationType === 'Event') {
      this.enqueueEvent(target, event, requestId);
      return { statusCode: 202, requestId, payload: Buffer.alloc(0) };
    }
    const result = await this.execute(target, event, requestId, clientContext, false, request.onResponseChunk);
    const log = Buffer.from(result.log, 'utf8');
    return {
      statusCode: 200,
      requestId,
      executedVersion: target.executedVersion,
      functionError: result.functionError,
      logResult: logType === 'Tail' ? log.subarray(Math.max(0, log.length - LOG_TAIL_BYTES)).toString('base64') : undefined,
      payload: result.payload,
      streamed: result.streamed,
    };
  }

  /** Resolves once every queued `Event` invocation has succeeded, been dropped or been dead-lettered. */
  public async waitForAsync(): Promise<void> {
    while (this.asyncTasks.size > 0) {
      await Promise.all([...this.asyncTasks]);
    }
  }

  /** The local dead-letter queue file of a function (it may not exist yet). */
  public dlqFile(fn: FunctionInfo): string {
    const shared = this.assembly.functions.filter((f) => f.logicalId === fn.logicalId).length > 1;
    const base = shared ? `${fn.stack.artifactId.replace(/[^A-Za-z0-9._-]/g, '.')}.${fn.logicalId}` : fn.logicalId;
    return path.join(this.dlqDir, `${base}.jsonl`);
  }

  /** Stops every runtime process (SIGTERM, then SIGKILL) and removes the staged directories. Queued `Event` invocations are abandoned. */
  public async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    for (const wake of [...this.sleepers]) {
      wake();
    }
    const closing = new InvokeError('ServiceException', 'The local runner is closed');
    for (const gate of this.gates.values()) {
      gate.abort(closing);
    }
    const pools = [...this.pools.values(), ...this.retired];
    this.pools.clear();
    this.retired.clear();
    await Promise.all(pools.map((pool) => pool.close()));
    this.stager?.cleanup();
    liveRunners.delete(this);
  }

  /** Synchronous cleanup, for process exit. */
  public killAll(): void {
    for (const instance of [...this.pools.values(), ...this.retired].flatMap((pool) => pool.instances)) {
      for (const pid of instance.processGroups) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    this.stager?.cleanup();
  }

  private stage(fn: FunctionInfo): { taskRoot: string; optDir: string } {
    const code = assetOf(fn, fn.code);
    const layers = fn.layers.map((layer) => assetOf(fn, layer.content));
    if (fn.runtime !== undefined && !fn.runtime.startsWith('provided')) {
      throw new LocalRunnerError(`Cannot run ${describe(fn)} locally: its runtime ${fn.runtime} is a managed runtime; `
        + 'the local runner runs custom runtimes (provided.al2023, provided.al2), whose bootstrap comes with the code or a layer');
    }
    this.stager ??= new Stager(this.options.tmpDir);
    return { taskRoot: this.stager.taskRoot(code), optDir: this.stager.optDir(layers) };
  }

  /**
   * Runs one invocation in an environment of the function version: a warm one if one is idle, else a new one.
   * Beyond the function's concurrency a synchronous call is throttled; an `Event` invocation (`wait`) waits.
   * The environment stays busy until the invocation has ended: extensions may still run after the answer.
   */
  private async execute(target: ResolvedTarget, payload: Buffer, requestId: string, clientContext?: string, wait = false,
    onChunk?: (chunk: Buffer) => void): Promise<InstanceResult> {
    const gate = this.gateOf(target.fn);
    const pool = this.poolOf(target); // taken now: a reload while this call waits does not move it to the new code
    if (wait) {
      await gate.enter();
    } else {
      gate.enterOrThrottle();
    }
    let ended: Promise<void> = Promise.resolve();
    try {
      if (this.closed) {
        throw new InvokeError('ServiceException', 'The local runner is closed');
      }
      const instance = await pool.acquire();
      const result = await instance.invoke({
        requestId,
        payload,
        invokedFunctionArn: target.invokedArn,
        traceId: traceHeader(target.fn.tracingMode === 'Active'),
        clientContext,
        onChunk,
      });
      // A failed environment (timeout, crash, init error) is closed: the next invocation gets a fresh one.
      ended = result.ended.then(() => pool.release(instance));
      return result;
    } finally {
      void ended.catch(() => undefined).then(() => gate.leave());
    }
  }

  private gateOf(fn: FunctionInfo): ConcurrencyGate {
    let gate = this.gates.get(fn);
    if (!gate) {
      const { limit, reason } = concurrencyLimit(fn.reservedConcurrency, this.options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
      gate = new ConcurrencyGate(limit, reason);
      this.gates.set(fn, gate);
    }
    return gate;
  }

  private poolOf(target: ResolvedTarget): InstancePool {
    const key = `${environmentKey(target.fn)}@${target.executedVersion}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new InstancePool(() => this.startInstance(target));
      this.pools.set(key, pool);
    }
    return pool;
  }

  private async startInstance(target: ResolvedTarget): Promise<RuntimeInstance> {
    const { fn, executedVersion } = target;
    const { taskRoot, optDir } = this.stage(fn);
    const arch = fn.architectures[0] ?? 'x86_64';
    if ((arch === 'arm64') !== (process.arch === 'arm64')) {
      this.warn(`${describe(fn)}: the function is built for ${arch} but runs on this machine's ${process.arch} CPU; scripts work, native binaries will not`);
    }
    const stager = this.stager!;
    if (!this.environments) {
      this.environments = new ExecutionEnvironments(this.options, stager.root);
      this.logOnce(this.environments.describe());
    }
    const bootstrapNotice = this.environments.bootstrapNotice(fn, taskRoot, optDir);
    if (bootstrapNotice) {
      this.logOnce(bootstrapNotice);
    }
    this.starts++;
    return RuntimeInstance.start({
      fn,
      executedVersion,
      taskRoot,
      optDir,
      initTimeoutMs: this.options.initTimeoutMs,
      onLog: this.options.onLog,
      ...this.environments.spec({
        fn,
        taskRoot,
        optDir,
        scratchDir: stager.scratchDir(),
        overlayDir: stager.emptyDir('overlay'),
        environment: (runtimeApi, visible) => buildEnvironment({
          fn,
          executedVersion,
          runtimeApi,
          ...visible,
          hostPath: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
          overrides: this.options.environment,
          warn: (m) => this.warn(m),
        }),
      }),
    });
  }

  private enqueueEvent(target: ResolvedTarget, payload: Buffer, requestId: string): void {
    const clock = this.options.clock ?? Date.now;
    const enqueuedAt = clock();
    const delays = this.options.asyncRetryDelaysMs ?? [0, 0];
    const { maximumRetryAttempts, maximumEventAgeInSeconds } = target.asyncConfig;
    const task = (async () => {
      let attempts = 0;
      let last: InstanceResult | undefined;
      let condition: Exclude<DestinationCondition, 'Success'>;
      for (;;) {
        if (clock() - enqueuedAt > maximumEventAgeInSeconds * 1000) {
          condition = 'EventAgeExceeded';
          break;
        }
        attempts++;
        last = await this.execute(target, payload, requestId, undefined, true);
        if (!last.functionError) {
          await this.sendToDestination(target, target.asyncConfig.onSuccess, { requestId, condition: 'Success', attempts, event: payload, last });
          return;
        }
        if (attempts > maximumRetryAttempts) {
          condition = 'RetriesExhausted';
          break;
        }
        await this.sleep(delays[Math.min(attempts - 1, delays.length - 1)] ?? 0);
        if (this.closed) {
          return;
        }
      }
      this.deadLetter(target, payload, requestId, attempts, condition, last);
      await this.sendToDestination(target, target.asyncConfig.onFailure, { requestId, condition, attempts, event: payload, last });
    })().catch((e: Error) => {
      if (!this.closed) {
        this.warn(`Event ${requestId} for ${describe(target.fn)} could not run: ${e.message}`);
      }
    });
    this.asyncTasks.add(task);
    void task.finally(() => this.asyncTasks.delete(task));
  }

  /** The file a destination that is not a local function receives its records in (it may not exist yet). */
  public destinationFile(destination: DestinationInfo): string {
    return destinationFile(this.dlqDir, destination);
  }

  /**
   * Sends an `Event` invocation's record to its `OnSuccess` or `OnFailure` destination: an `Event` invocation
   * of the destination when it is a function of the stack, else a line of the destination's file.
   */
  private async sendToDestination(
    target: ResolvedTarget,
    destination: DestinationInfo | undefined,
    outcome: { requestId: string; condition: DestinationCondition; attempts: number; event: Buffer; last?: InstanceResult },
  ): Promise<void> {
    if (!destination) {
      return;
    }
    const record = JSON.stringify(invocationRecord({
      ...outcome,
      functionArn: target.qualified ? target.invokedArn : `${target.invokedArn}:$LATEST`,
      executedVersion: target.executedVersion,
    }));
    const fn = destination.resourceType === 'AWS::Lambda::Function'
      ? this.assembly.functions.find((f) => f.stack === target.fn.stack && f.logicalId === destination.logicalId)
      : undefined;
    const which = outcome.condition === 'Success' ? 'OnSuccess' : 'OnFailure';
    if (fn) {
      await this.invoke({ functionName: describe(fn), invocationType: 'Event', payload: record });
    } else {
      const file = this.destinationFile(destination);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.appendFileSync(file, record + '\n');
    }
    if (outcome.condition !== 'Success') {
      this.notice(`Event ${outcome.requestId} for ${describe(target.fn)}: its ${which} record went to ${fn ? describe(fn) : this.destinationFile(destination)}`);
    }
  }

  /** Waits `ms`, or less if the runner closes meanwhile (a pending retry must not keep the process alive). */
  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.closed) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private deadLetter(target: ResolvedTarget, payload: Buffer, requestId: string, attempts: number, condition: string, last?: InstanceResult): void {
    const { fn } = target;
    const why = `${condition === 'RetriesExhausted' ? `failed ${attempts} attempt(s)` : 'exceeded its maximum age'}`;
    if (!fn.hasDeadLetterQueue) {
      this.notice(`Event ${requestId} for ${describe(fn)} ${why} and is dropped: the function has no dead-letter queue`);
      return;
    }
    const letter: DeadLetter = {
      timestamp: new Date().toISOString(),
      functionName: fn.functionName,
      qualifier: target.qualifier,
      condition,
      approximateInvokeCount: attempts,
      body: payload.toString('utf8'),
      RequestID: requestId,
      ErrorCode: last ? 200 : undefined,
      ErrorMessage: last ? errorMessageOf(last.payload) : `Event age exceeded ${target.asyncConfig.maximumEventAgeInSeconds} seconds`,
    };
    const file = this.dlqFile(fn);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, JSON.stringify(letter) + '\n');
    this.notice(`Event ${requestId} for ${describe(fn)} ${why}: written to the dead-letter queue ${file}`);
  }

  /** A line of the runner's own in the log (`onLog`), once. */
  private logOnce(message: string): void {
    if (!this.warned.has(message)) {
      this.warned.add(message);
      this.options.onLog?.(`[cdk-custom-runtime] ${message}\n`);
    }
  }

  private warn(message: string): void {
    if (!this.warned.has(message)) {
      this.warned.add(message);
      this.notice(message);
    }
  }

  private notice(message: string): void {
    if (this.options.onWarning) {
      this.options.onWarning(message);
    } else {
      process.stderr.write(`[cdk-custom-runtime] ${message}\n`);
    }
  }
}

function installExitHook(): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const runner of liveRunners) {
        runner.killAll();
      }
    });
  }
}

function assetOf(fn: FunctionInfo, value: AssetOrError): AssetLocation {
  if ('error' in value) {
    throw new LocalRunnerError(`Cannot run ${describe(fn)} locally: ${value.error}`);
  }
  return value.asset;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvokeError('InvalidParameterValueException',
      `1 validation error detected: Value '${value}' at '${name}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as T;
}

function validateJson(payload: Buffer): void {
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (e) {
    throw new InvokeError('InvalidRequestContentException', `Could not parse request body into json: ${(e as Error).message}`);
  }
}

function decodeClientContext(value: string | undefined): string | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  const invalid = new InvokeError('InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
  if (value.length > MAX_CLIENT_CONTEXT_BYTES) {
    throw new InvokeError('InvalidParameterValueException', `Client context must be at most ${MAX_CLIENT_CONTEXT_BYTES} bytes (base64).`);
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw invalid;
  }
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  try {
    const parsed = JSON.parse(decoded);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw invalid;
    }
  } catch {
    throw invalid;
  }
  return decoded;
}

/** An X-Ray trace header, as Lambda passes one to every invocation. */
function traceHeader(sampled: boolean): string {
  const time = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return `Root=1-${time}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=${sampled ? 1 : 0}`;
}

/** The first 1 KB of a function error's message. */
function errorMessageOf(payload: Buffer): string {
  let message = payload.toString('utf8');
  try {
    const parsed = JSON.parse(message);
    if (typeof parsed?.errorMessage === 'string') {
      message = parsed.errorMessage;
    }
  } catch {
    // not JSON: the raw text
  }
  const bytes = Buffer.from(message, 'utf8');
  return bytes.length <= DLQ_ERROR_MESSAGE_BYTES ? message : bytes.subarray(0, DLQ_ERROR_MESSAGE_BYTES).toString('utf8');
}
