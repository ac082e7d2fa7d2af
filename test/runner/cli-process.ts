/**
 * Runs the real CLI (src/runner/cli.ts, the source of lib/runner/cli.js) in a
 * child process. The tests see the current source without a jsii build: the
 * runner's files are transpiled once per test file into a temporary directory
 * (what ts-node would do at every start, which costs half a second each time).
 * The directory is under the project's `.tmp/`, so that `require` finds the
 * peer dependency aws-cdk-lib (the cloud assembly schema) in node_modules.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const RUNNER_SRC = path.join(ROOT, 'src', 'runner');

let compiled: string | undefined;
/** `src/runner/*.ts` transpiled to CommonJS; the path of `cli.js`. Removed when the test process exits. */
export function cliScript(): string {
  if (compiled === undefined) {
    fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
    const out = fs.mkdtempSync(path.join(ROOT, '.tmp', 'runner-cli-'));
    process.once('exit', () => fs.rmSync(out, { recursive: true, force: true }));
    for (const file of fs.readdirSync(RUNNER_SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
      const source = fs.readFileSync(path.join(RUNNER_SRC, file), 'utf8');
      const { outputText } = ts.transpileModule(source, {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      fs.writeFileSync(path.join(out, file.replace(/\.ts$/, '.js')), outputText);
    }
    compiled = path.join(out, 'cli.js');
  }
  return compiled;
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function cliProcess(args: string[], env: NodeJS.ProcessEnv, cwd?: string): ChildProcess {
  return spawn(process.execPath, [cliScript(), ...args], {
    cwd: cwd ?? ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the CLI to completion. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  const child = cliProcess(args, options.env ?? {}, options.cwd);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A running `serve`: its URL once it printed it, and a way to stop it. */
export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and resolves with the exit status. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = cliProcess(['serve', '--port', '0', ...args], env);
  let stdout = '';
  let stderr = '';
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match) {
        resolve({
          url: match[1],
          child,
          stdout: () => stdout,
          stderr: () => stderr,
          stop: (signal = 'SIGTERM') => {
            child.kill(signal);
            return closed;
          },
        });
      }
    });
    void closed.then((status) => reject(new Error(`serve exited with ${status} before listening:\n${stdout}\n${stderr}`)));
  });
}

/** An `@aws-sdk/client-lambda` client for a local `serve` at `url`: dummy credentials, no retries (each call counts once). */
export function localLambdaClient(url: string): LambdaClient {
  return new LambdaClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
    maxAttempts: 1,
  });
}
