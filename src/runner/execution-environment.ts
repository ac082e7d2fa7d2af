/**
 * How the runner builds each execution environment on this machine: the file
 * system layout (`Layout`), the memory limit (`MemoryLimiter`) and freezing,
 * chosen once per runner from what the machine allows and what was asked for,
 * and said once in the log.
 */
import * as path from 'node:path';
import { describe, FunctionInfo } from './function-discovery';
import { EnvironmentDirs, LAMBDA_OPT, LAMBDA_TASK_ROOT, Layout, LayoutKind } from './layout';
import { MemoryLimiter, MemoryLimitKind } from './memory-limit';
import { findBootstrap, isExecutableFile, RuntimeInstanceSpec } from './runtime-instance';

export interface ExecutionEnvironmentOptions {
  /** `lambda`: Lambda's layout where the machine allows it, else the host's. @default lambda */
  readonly layout?: LayoutKind;
  /** `cgroup`: a memory cgroup where the machine allows it, else `rlimit`. @default cgroup */
  readonly memoryLimit?: MemoryLimitKind;
  /** Freeze the runtime between invocations. @default true */
  readonly freeze?: boolean;
}

/** What a new environment needs from the runner. */
export interface EnvironmentRequest {
  readonly fn: FunctionInfo;
  readonly taskRoot: string;
  readonly optDir: string;
  /** This environment's own directories: its `/tmp` and its overlay's mount point. */
  readonly scratchDir: string;
  readonly overlayDir: string;
  /** The process environment, given the Runtime API address and the paths the runtime sees. */
  readonly environment: (runtimeApi: string, visible: { taskRoot: string; optDir: string; tmpDir?: string }) => Record<string, string>;
}

export class ExecutionEnvironments {
  public readonly layout: Layout;
  public readonly memory: MemoryLimiter;
  public readonly freeze: boolean;

  constructor(options: ExecutionEnvironmentOptions, workDir: string) {
    this.layout = (options.layout ?? 'lambda') === 'lambda' ? Layout.detect(workDir) : Layout.host();
    this.memory = MemoryLimiter.of(options.memoryLimit ?? 'cgroup');
    this.freeze = options.freeze ?? true;
  }

  /** One line for the log: what the environments look like here, and why. */
  public describe(): string {
    const layout = this.layout.kind === 'lambda'
      ? `Lambda's layout (code at ${LAMBDA_TASK_ROOT} read-only, layers at ${LAMBDA_OPT}, a private /tmp) in a ${this.layout.reason}`
      : `the host's layout, not Lambda's: ${this.layout.reason}; the runtimes run from the staged directories, with TMPDIR as their /tmp`;
    const memory = this.memory.kind === 'cgroup'
      ? `MemorySize enforced by a ${this.memory.reason}`
      : this.memory.kind === 'rlimit' ? `MemorySize enforced per process by RLIMIT_DATA (${this.memory.reason})` : 'MemorySize not enforced';
    return `execution environments: ${layout}; ${memory}; ${this.freeze ? 'frozen between invocations' : 'not frozen between invocations (--no-freeze)'}`;
  }

  /** Which bootstrap a function starts, and why, for the log; `undefined` when it has none. */
  public bootstrapNotice(fn: FunctionInfo, taskRoot: string, optDir: string): string | undefined {
    const bootstrap = findBootstrap(taskRoot, optDir);
    if (bootstrap === undefined) {
      return undefined;
    }
    if (bootstrap.startsWith(taskRoot + path.sep)) {
      const shadowed = isExecutableFile(path.join(optDir, 'bootstrap'));
      return `${describe(fn)}: starts ${LAMBDA_TASK_ROOT}/bootstrap, from its code`
        + (shadowed ? ` (Lambda takes it over ${LAMBDA_OPT}/bootstrap: the layers' bootstrap is not used)` : '');
    }
    return `${describe(fn)}: starts ${LAMBDA_OPT}/bootstrap, from its layers (its code has no executable bootstrap)`;
  }

  /** The parts of a `RuntimeInstanceSpec` that make the environment. */
  public spec(request: EnvironmentRequest): Pick<RuntimeInstanceSpec, 'launch' | 'memory' | 'freeze' | 'scratchDir' | 'environment'> {
    const dirs: EnvironmentDirs = request;
    const memory = this.memory.cell(request.fn.memorySize);
    const visible = this.layout.visiblePaths(dirs);
    return {
      memory,
      freeze: this.freeze,
      scratchDir: request.scratchDir,
      launch: (bootstrap) => this.layout.command(memory.setup, [this.layout.visiblePath(bootstrap, dirs)], dirs),
      environment: (runtimeApi) => request.environment(runtimeApi,
        this.layout.kind === 'lambda' ? visible : { ...visible, tmpDir: request.scratchDir }),
    };
  }
}
