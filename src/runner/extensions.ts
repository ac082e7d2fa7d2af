/**
 * The extensions of one execution environment: the executables in `/opt/extensions`
 * of the staged layers (external extensions), started before the runtime, and the
 * internal ones the runtime registers. Lambda's phases, as the Extensions API defines them:
 *
 * - init: every external extension is started (in file name order) and must register
 *   before the runtime starts; init ends when the runtime and every registered extension
 *   have called `next`;
 * - invoke: `INVOKE` goes to every extension subscribed to it; the invocation ends when
 *   the runtime has answered and each of them has called `next` again;
 * - shutdown: the runtime gets SIGTERM, external extensions subscribed to `SHUTDOWN` get
 *   the event; after the grace time (2000 ms with external extensions, 500 ms with internal
 *   ones only) whatever is left is killed.
 *
 * An extension that exits when it should not (`Extension.Crash`), cannot be started
 * (`Extension.LaunchError`) or reports `init/error` / `exit/error` fails the environment.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXTENSION_ERRORS, ExtensionFailure, ExtensionsApi, FunctionMetadata } from './extensions-api';

/** Shutdown grace with external extensions, and with internal ones only. */
export const SHUTDOWN_GRACE_EXTERNAL_MS = 2000;
export const SHUTDOWN_GRACE_INTERNAL_MS = 500;

/** Variables Lambda does not give external extensions. */
const HIDDEN_FROM_EXTENSIONS = [
  'AWS_EXECUTION_ENV', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_XRAY_CONTEXT_MISSING',
  'AWS_XRAY_DAEMON_ADDRESS', 'LAMBDA_RUNTIME_DIR', 'LAMBDA_TASK_ROOT', '_AWS_XRAY_DAEMON_ADDRESS', '_AWS_XRAY_DAEMON_PORT', '_HANDLER',
];

export interface ExtensionsSpec {
  /** The staged layers (`/opt`): external extensions are `<optDir>/extensions/*`. */
  readonly optDir: string;
  /** The runtime's environment; extensions get it without the variables Lambda hides from them. */
  readonly environment: Record<string, string>;
  readonly metadata: FunctionMetadata;
  /** Receives the extensions' stdout and stderr (they share the function's log). */
  readonly output: (text: string) => void;
}

/** Fields of an `INVOKE` event. */
export interface InvokeEvent {
  readonly requestId: string;
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string;
  readonly traceId: string;
}

interface Launched {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<string>;
}

export class Extensions {
  /** Starts the executables of `<optDir>/extensions`, in file name order. */
  public static launch(spec: ExtensionsSpec): Extensions {
    const dir = path.join(spec.optDir, 'extensions');
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir).filter((n) => fs.statSync(path.join(dir, n)).isFile()).sort();
    } catch {
      // no extensions directory
    }
    return new Extensions(spec, dir, names);
  }

  public readonly api: ExtensionsApi;
  private readonly launched: Launched[] = [];
  private failureValue?: ExtensionFailure;
  private readonly failureListeners: Array<(f: ExtensionFailure) => void> = [];
  private shuttingDown = false;

  private constructor(spec: ExtensionsSpec, dir: string, names: string[]) {
    this.api = new ExtensionsApi(spec.metadata, new Set(names));
    this.api.onFailure((f) => this.fail(f));
    const env = { ...spec.environment };
    HIDDEN_FROM_EXTENSIONS.forEach((key) => delete env[key]);
    for (const name of names) {
      const file = path.join(dir, name);
      const child = spawn(file, [], { cwd: spec.optDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      for (const stream of [child.stdout!, child.stderr!]) {
        stream.on('data', (chunk: Buffer) => spec.output(chunk.toString('utf8')));
      }
      const exited = new Promise<string>((resolve) => {
        child.once('error', (e) => {
          this.fail({ name, errorType: EXTENSION_ERRORS.launchError, message: `Extension ${name} could not be started: fork/exec /opt/extensions/${name}: ${(e as NodeJS.ErrnoException).code ?? e.message}` });
          resolve('spawn error');
        });
        child.once('exit', (code, signal) => resolve(signal ? `signal: ${signal}` : `exit status ${code}`));
      });
      void exited.then((status) => {
        if (!this.shuttingDown) {
          this.fail({ name, errorType: EXTENSION_ERRORS.crash, message: `Extension ${name} exited unexpectedly: ${status}` });
        }
      });
      this.launched.push({ name, child, exited });
    }
  }

  /** How many extensions are registered (external and internal). */
  public get count(): number {
    return this.api.registered.length;
  }

  /** The first fatal error of an extension, if there was one. */
  public get failure(): ExtensionFailure | undefined {
    return this.failureValue;
  }

  /** Calls `listener` on the first fatal error (at once if there was one); returns a function that removes it. */
  public onFailure(listener: (f: ExtensionFailure) => void): () => void {
    if (this.failureValue) {
      listener(this.failureValue);
      return () => undefined;
    }
    this.failureListeners.push(listener);
    return () => {
      const index = this.failureListeners.indexOf(listener);
      if (index >= 0) {
        this.failureListeners.splice(index, 1);
      }
    };
  }

  /** A promise of the first fatal error, and a function that stops waiting for it. */
  public failed(): { readonly failure: Promise<ExtensionFailure>; readonly cancel: () => void } {
    let cancel = (): void => undefined;
    const failure = new Promise<ExtensionFailure>((resolve) => {
      cancel = this.onFailure(resolve);
    });
    return { failure, cancel };
  }

  /** Resolves when every external extension has registered, or an extension failed. */
  public registered(): Promise<void> {
    return this.until(() => this.launched.every((l) => this.api.hasRegistered(l.name)));
  }

  /** Whether every registered extension has called `next` (with the runtime's first `next`, the end of init). */
  public get initialized(): boolean {
    return this.api.registered.every((e) => e.state === 'Ready' || e.state === 'Running');
  }

  /** Sends `INVOKE`; resolves when every subscribed extension has called `next` again, or one failed. */
  public invoke(event: InvokeEvent): Promise<void> {
    const done = this.api.dispatch('INVOKE', {
      deadlineMs: event.deadlineMs,
      requestId: event.requestId,
      invokedFunctionArn: event.invokedFunctionArn,
      tracing: { type: 'X-Amzn-Trace-Id', value: event.traceId },
    });
    const failed = this.failed();
    return Promise.race([done, failed.failure]).then(() => failed.cancel());
  }

  /** Whether some registered extension receives `INVOKE` events. */
  public get subscribedToInvoke(): boolean {
    return this.api.registered.some((e) => e.events.has('INVOKE'));
  }

  /** The shutdown grace Lambda gives: 2000 ms with external extensions, 500 ms with internal ones only, else `none`. */
  public shutdownGraceMs(none: number): number {
    const registered = this.api.registered;
    return registered.some((e) => e.external) ? SHUTDOWN_GRACE_EXTERNAL_MS : registered.length > 0 ? SHUTDOWN_GRACE_INTERNAL_MS : none;
  }

  /**
   * Sends `SHUTDOWN` to the external extensions subscribed to it; resolves when each of them has
   * called `next` again or exited. The caller bounds the wait and then calls `kill()`.
   */
  public shutdown(reason: 'spindown' | 'timeout' | 'failure', deadlineMs: number): Promise<void> {
    this.shuttingDown = true;
    const subscribed = new Set(this.api.registered.filter((e) => e.external && e.events.has('SHUTDOWN')).map((e) => e.name));
    const done = this.api.dispatch('SHUTDOWN', { shutdownReason: reason, deadlineMs }, (e) => subscribed.has(e.name));
    const exits = this.launched.filter((l) => subscribed.has(l.name)).map((l) => l.exited);
    return Promise.race([done, Promise.all(exits)]).then(() => undefined);
  }

  /** Kills every extension process group and ends pending long polls; resolves when they have exited. */
  public async kill(): Promise<void> {
    this.shuttingDown = true;
    for (const { child } of this.launched) {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    this.api.disconnectAll();
    await Promise.all(this.launched.map((l) => l.exited));
  }

  /** Process group IDs, for last-resort cleanup on process exit. */
  public get pids(): number[] {
    return this.launched.map((l) => l.child.pid).filter((p): p is number => p !== undefined);
  }

  /** Lambda's `EXTENSION` log lines, one per extension, written at the end of init. */
  public logLines(): string {
    const lines = this.api.registered.map((e) => `EXTENSION\tName: ${e.name}\tState: ${e.state === 'Running' ? 'Ready' : e.state}\tEvents: [${[...e.events].join(',')}]\n`);
    for (const { name } of this.launched.filter((l) => !this.api.hasRegistered(l.name))) {
      const failed = this.failureValue?.name === name ? this.failureValue.errorType.replace('Extension.', '') : 'Launched';
      lines.push(`EXTENSION\tName: ${name}\tState: ${failed}\tEvents: []\n`);
    }
    return lines.join('');
  }

  private fail(failure: ExtensionFailure): void {
    if (this.failureValue === undefined) {
      this.failureValue = failure;
      this.failureListeners.splice(0).forEach((listener) => listener(failure));
    }
  }

  /** Resolves when `condition` holds (checked on every poll tick), or at the first failure. */
  private until(condition: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.failureValue !== undefined || condition()) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(check, 1);
      check();
    });
  }
}
