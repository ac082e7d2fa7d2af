/**
 * Runs a real bootstrap (bash + curl) against a RuntimeApiServer on loopback.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InitError, InvocationResult, RuntimeApiServer, RuntimeApiServerOptions, RuntimeInvocation } from '../../src/runner/runtime-api-server';

export const REPO_ROOT = path.join(__dirname, '..', '..');
/** The runtime under test. */
export const BOOTSTRAP = path.join(REPO_ROOT, 'runtime', 'shell', 'bootstrap');
/** Handlers for the tests (`*.sh`). */
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'runtime');
/** The seed tutorial's runtime and handler. */
export const TUTORIAL = path.join(FIXTURES, 'tutorial');

/**
 * The runtime's two paths to the Runtime API: `tcp`, its keep-alive connection through bash's
 * `/dev/tcp` (the default), and `curl`, forced with `LAMBDA_RUNTIME_TRANSPORT=curl`.
 */
export const TRANSPORTS = ['tcp', 'curl'] as const;
export type Transport = typeof TRANSPORTS[number];

let currentTransport: Transport = 'tcp';

/** Runs the tests of `body` once per transport: runtimes started in them use that path. */
export function describeEachTransport(name: string, body: () => void): void {
  describe.each(TRANSPORTS)(`%s path: ${name}`, (transport) => {
    beforeAll(() => { currentTransport = transport; });
    afterAll(() => { currentTransport = 'tcp'; });
    body();
  });
}

/** What the harness needs of a Runtime API server: ours (the default) or one of the tests' own. */
export interface HarnessServer {
  /** `host:port`. */
  readonly address: string;
  readonly nextCalls: number;
  readonly initErrors: InitError[];
  readonly protocolErrors: string[];
  invoke(invocation: RuntimeInvocation): Promise<InvocationResult>;
  cancelPending(reason: string): void;
  close(): Promise<void>;
}

export interface HarnessOptions<S extends HarnessServer = RuntimeApiServer> {
  /** `_HANDLER`. */
  readonly handler: string;
  /** `LAMBDA_TASK_ROOT`. @default FIXTURES */
  readonly taskRoot?: string;
  /** The runtime's command line. @default [BOOTSTRAP] */
  readonly command?: string[];
  /** The runtime's path to the Runtime API. @default - the current one of describeEachTransport, else 'tcp' */
  readonly transport?: Transport;
  /** Extra environment (undefined removes a variable). */
  readonly env?: Record<string, string | undefined>;
  readonly server?: RuntimeApiServerOptions;
  /** Use this server (left open by `stop()`) instead of starting one. */
  readonly sharedServer?: S;
  /** Milliseconds one invocation may take before it is cancelled. @default 15000 */
  readonly invokeTimeoutMs?: number;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class RuntimeHarness<S extends HarnessServer = RuntimeApiServer> {
  /** Starts a server and a runtime process with a private TMPDIR. */
  public static async start<S extends HarnessServer = RuntimeApiServer>(options: HarnessOptions<S>): Promise<RuntimeHarness<S>> {
    const server = options.sharedServer ?? await RuntimeApiServer.start(options.server) as HarnessServer as S;
    const tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-test-'));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      TMPDIR: tmpdir,
      AWS_LAMBDA_RUNTIME_API: server.address,
      _HANDLER: options.handler,
      LAMBDA_TASK_ROOT: options.taskRoot ?? FIXTURES,
    };
    const transport = options.transport ?? currentTransport;
    if (transport === 'curl') {
      env.LAMBDA_RUNTIME_TRANSPORT = 'curl';
    }
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) {
        delete env[name];
      } else {
        env[name] = value;
      }
    }
    const [command, ...args] = options.command ?? [BOOTSTRAP];
    // Its own process group, so that stop() also ends what it started (the tutorial's runtime leaves curl behind).
    const child = spawn(command, args, { env, cwd: tmpdir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    return new RuntimeHarness<S>(server, !options.sharedServer, child, tmpdir, options.invokeTimeoutMs ?? 15_000, transport);
  }

  /** Everything the runtime wrote on stdout and stderr (its log). */
  public log = '';
  /** Settles when the runtime process ends. */
  public readonly exited: Promise<Exit>;
  private exit?: Exit;

  private constructor(
    public readonly server: S,
    private readonly ownsServer: boolean,
    public readonly child: ChildProcess,
    public readonly tmpdir: string,
    private readonly invokeTimeoutMs: number,
    /** The path the runtime was started on. */
    public readonly transport: Transport,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => { this.log += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { this.log += chunk.toString(); });
    this.exited = new Promise<Exit>((resolve) => {
      child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        server.cancelPending(`runtime exited (code ${code}, signal ${signal}); log:\n${this.log}`);
        resolve(this.exit);
      });
    });
  }

  /** The runtime's process id. */
  public get pid(): number {
    return this.child.pid!;
  }

  /** Invokes once; rejects if the runtime exits or takes longer than the timeout. */
  public async invoke(invocation: RuntimeInvocation | string | Buffer): Promise<InvocationResult> {
    const inv: RuntimeInvocation = typeof invocation === 'string' ? { payload: Buffer.from(invocation) }
      : Buffer.isBuffer(invocation) ? { payload: invocation } : invocation;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.server.cancelPending('timed out');
        reject(new Error(`invocation timed out after ${this.invokeTimeoutMs} ms; log:\n${this.log}`));
      }, this.invokeTimeoutMs);
    });
    try {
      return await Promise.race([this.server.invoke(inv), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Invokes once and returns the response body as text; fails on an error report. */
  public async respond(invocation: RuntimeInvocation | string | Buffer): Promise<string> {
    const result = await this.invoke(invocation);
    if (result.kind !== 'response') {
      throw new Error(`expected a response, got an error report ${result.errorType}: ${result.body.toString()}`);
    }
    return result.body.toString();
  }

  /** Waits for the runtime to exit on its own. */
  public async waitForExit(timeoutMs: number = 10_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([this.exited, new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`runtime still running after ${timeoutMs} ms; log:\n${this.log}`)), timeoutMs);
      })]);
    } finally {
      clearTimeout(timer);
    }
  }

  private killGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // the group is gone already
    }
  }

  /**
   * Waits until the runtime's log matches `pattern`, or contains it when it is a string: the log
   * comes through a pipe, apart from the HTTP requests, and may arrive after the answer.
   */
  public async waitForLog(pattern: RegExp | string, timeoutMs: number = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    const matches = (): boolean => typeof pattern === 'string' ? this.log.includes(pattern) : pattern.test(this.log);
    while (!matches()) {
      if (Date.now() > until) {
        throw new Error(`log does not match ${pattern} after ${timeoutMs} ms:\n${this.log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /** Waits until the runtime has sent `count` long polls in all (it is then idle, waiting). */
  public async waitForNextCalls(count: number, timeoutMs: number = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.server.nextCalls < count) {
      if (Date.now() > until) {
        throw new Error(`${this.server.nextCalls} long polls after ${timeoutMs} ms, expected ${count}; log:\n${this.log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /** Files and directories under the private TMPDIR (recursive, relative paths). */
  public tmpEntries(): string[] {
    return fs.readdirSync(this.tmpdir, { recursive: true }).map(String).sort();
  }

  /** The runtime process's open file descriptors. */
  public openFds(): string[] {
    return fs.readdirSync(`/proc/${this.pid}/fd`).sort((a, b) => Number(a) - Number(b));
  }

  /**
   * The runtime's open file descriptors once it waits in long poll `nextCalls`:
   * two reads 50 ms apart that agree. While bash sets up a redirection it holds
   * copies of the descriptors it redirects for a moment; a leaked descriptor
   * stays in both reads.
   */
  public async idleFds(nextCalls: number): Promise<string[]> {
    await this.waitForNextCalls(nextCalls);
    let last = this.openFds();
    for (let tries = 0; tries < 40; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const now = this.openFds();
      if (now.join() === last.join()) return now;
      last = now;
    }
    throw new Error(`open descriptors still changing after 2 s: ${last.join(' ')}`);
  }

  /** Ends the runtime's process group (SIGTERM, then SIGKILL), the server, and removes the TMPDIR. */
  public async stop(): Promise<Exit> {
    if (!this.exit) {
      this.killGroup('SIGTERM');
      const timer = setTimeout(() => this.killGroup('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    this.killGroup('SIGKILL');
    if (this.ownsServer) {
      await this.server.close();
    }
    fs.rmSync(this.tmpdir, { recursive: true, force: true });
    return this.exit!;
  }
}
