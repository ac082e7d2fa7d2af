/**
 * Builds the cloud assemblies the local runner's tests run: real CDK apps,
 * synthesized into temporary directories.
 *
 * Every function is made by `shellFunction`, so that moving the tests to the
 * library's own construct (or to the shell runtime in runtime/shell) happens
 * in one place.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LocalRunner } from '../../src/runner/local-runner';
import { ShellRuntime } from '../../src/shell-runtime';

export const RUNNER_FIXTURES = path.join(__dirname, '..', 'fixtures', 'runner');
/** A second, minimal runtime (bash + curl), to show the runner is not tied to the shell runtime. */
export const FIXTURE_RUNTIME_DIR = path.join(RUNNER_FIXTURES, 'runtime');
/** The handler functions of the tests (`function.<name>`). */
export const HANDLERS_DIR = path.join(RUNNER_FIXTURES, 'handlers');

/**
 * Where the tests' temporary directories go: outside /tmp where the machine has /dev/shm, since a runtime
 * in Lambda's layout has a /tmp of its own and would not see the files a test shares with it.
 */
const TEST_TMP = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

/** A temporary directory for one test file, removed by `removeTempDirs()`. */
const tempDirs: string[] = [];
export function tempDir(prefix = 'runner-test-'): string {
  const dir = fs.mkdtempSync(path.join(TEST_TMP, prefix));
  tempDirs.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface SynthOptions {
  /**
   * Write `aws:cdk:path` and `aws:asset:*` metadata, as the CDK CLI asks apps to.
   * @default true
   */
  readonly metadata?: boolean;
}

/**
 * Synthesizes an app into `<new temp dir>/cdk.out` and returns that path.
 * `build` adds stacks (or stages) to the app.
 */
export function synth(build: (app: App) => void, options: SynthOptions = {}): string {
  const metadata = options.metadata ?? true;
  const outdir = path.join(tempDir(), 'cdk.out');
  const app = new App({
    outdir,
    context: metadata ? { 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:enable-path-metadata': true } : {
      'aws:cdk:enable-asset-metadata': false, 'aws:cdk:enable-path-metadata': false,
    },
  });
  build(app);
  app.synth();
  return outdir;
}

/** A stack with one `shellFunction` per entry; the shape most tests need. */
export function synthFunctions(functions: Record<string, ShellFunctionOptions>, stackProps?: StackProps): string {
  return synth((app) => {
    const stack = new Stack(app, 'RunnerTest', stackProps);
    for (const [id, options] of Object.entries(functions)) {
      shellFunction(stack, id, options);
    }
  });
}

export interface ShellFunctionOptions extends Omit<lambda.FunctionOptions, 'timeout'> {
  /** `<file>.<handler>` of the fixture handlers, e.g. `echo_event`. */
  readonly handler: string;
  /** The handler file, without `.sh`. @default 'function' */
  readonly file?: string;
  /** Seconds. @default 3 */
  readonly timeout?: number;
  /** Code directory. @default the fixture handlers */
  readonly codeDir?: string;
  /**
   * Layers, in order. @default - the library's shell runtime layer only
   */
  readonly layers?: lambda.ILayerVersion[];
}

/** A provided.al2023 function running a fixture handler on the library's shell runtime layer. */
export function shellFunction(scope: Construct, id: string, options: ShellFunctionOptions): lambda.Function {
  const { handler, file = 'function', timeout, codeDir, layers, ...rest } = options;
  return new lambda.Function(scope, id, {
    ...rest,
    runtime: lambda.Runtime.PROVIDED_AL2023,
    handler: `${file}.${handler}`,
    code: lambda.Code.fromAsset(codeDir ?? HANDLERS_DIR),
    timeout: timeout === undefined ? undefined : Duration.seconds(timeout),
    layers: layers ?? [runtimeLayer(Stack.of(scope))],
  });
}

/** The shell runtime tests' handler files (`stream.sh` among them). */
const RUNTIME_FIXTURES = path.join(__dirname, '..', 'fixtures', 'runtime');

/**
 * A function named `id` running `stream.<handler>` of the runtime fixtures, with `LAMBDA_RESPONSE_MODE=streaming`
 * when `streaming`, else buffered.
 */
export function streamFixtureFunction(stack: Stack, id: string, handler: string, streaming: boolean, timeout: number): lambda.Function {
  return shellFunction(stack, id, {
    functionName: id,
    file: 'stream',
    handler,
    codeDir: RUNTIME_FIXTURES,
    environment: streaming ? { LAMBDA_RESPONSE_MODE: 'streaming' } : undefined,
    timeout,
  });
}

/** The library's shell runtime (runtime/shell) as a layer: one per stack. */
export function runtimeLayer(stack: Stack): lambda.ILayerVersion {
  return ShellRuntime.layer(stack);
}

/** The fixture runtime as a layer: one per stack. */
export function fixtureRuntimeLayer(stack: Stack): lambda.ILayerVersion {
  const existing = stack.node.tryFindChild('FixtureRuntime') as lambda.ILayerVersion | undefined;
  return existing ?? new lambda.LayerVersion(stack, 'FixtureRuntime', { code: lambda.Code.fromAsset(FIXTURE_RUNTIME_DIR) });
}

/** A layer from a directory of the runner fixtures. */
export function fixtureLayer(scope: Construct, id: string, dir: string): lambda.LayerVersion {
  return new lambda.LayerVersion(scope, id, { code: lambda.Code.fromAsset(path.join(RUNNER_FIXTURES, dir)) });
}

/** `environment` handler output, as a map. */
export function envOf(buffer: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of buffer.toString('utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

/**
 * An opener of local runners for one test file, warnings silenced: every runner it opened is closed after each test.
 * Call it once, at the top level of the file.
 */
export function runnerOpener(): (assemblyDir: string, options?: Parameters<typeof LocalRunner.open>[1]) => LocalRunner {
  const runners: LocalRunner[] = [];
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.close()));
  });
  return (assemblyDir, options = {}) => {
    const runner = LocalRunner.open(assemblyDir, { onWarning: () => undefined, ...options });
    runners.push(runner);
    return runner;
  };
}
