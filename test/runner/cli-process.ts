/**
 * Runs the real CLI (src/runner/cli.ts, the source of lib/runner/cli.js) in a
 * child process, through ts-node so that the tests see the current source
 * without a jsii build.
 */
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'src', 'runner', 'cli.ts');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cliProcess(args: string[], env: NodeJS.ProcessEnv, cwd?: string): ChildProcess {
  return spawn(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), CLI, ...args], {
    cwd: cwd ?? ROOT,
    env: { ...process.env, ...env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json') },
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
