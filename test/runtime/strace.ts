/**
 * What a runtime does per invocation, counted with strace: the processes it starts, the programs
 * it execs, and its writes on TCP connections. Used by test/runtime/processes.test.ts and bench/.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HarnessServer, RuntimeHarness, Transport } from './harness';

export interface PerInvocation {
  /** fork, vfork, clone and clone3 that start a process (not a thread). */
  readonly processes: number;
  readonly execs: number;
  /** write(2) calls on TCP connections: the HTTP requests. */
  readonly requestWrites: number;
}

export function hasStrace(): boolean {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function countTrace(trace: string): PerInvocation {
  const lines = fs.readFileSync(trace, 'utf8').split('\n');
  return {
    processes: lines.filter((line) => /\b(fork|vfork|clone|clone3)\(/.test(line) && !line.includes('CLONE_THREAD') && !line.includes('resumed>')).length,
    execs: lines.filter((line) => /\bexecve\(/.test(line) && !line.includes('resumed>')).length,
    // -yy names each descriptor by what it is
    requestWrites: lines.filter((line) => /^\d+ +write\(\d+<TCP:/.test(line)).length,
  };
}

export interface PerInvocationOptions {
  /** The event of every invocation. @default '{}' */
  readonly event?: string;
  /** `_HANDLER`. @default 'echo.trivial' (prints `ok`) */
  readonly handler?: string;
  /** Invocations counted. @default 20 */
  readonly invocations?: number;
  /** The Runtime API server, left open. @default - one of ours */
  readonly server?: HarnessServer;
}

/**
 * Runs `command` (a runtime) under strace, answers one event unmeasured, then counts what each of
 * the warm invocations cost.
 */
export async function perInvocation(command: string[], transport: Transport,
  options: PerInvocationOptions = {}): Promise<PerInvocation> {
  const { event = '{}', handler = 'echo.trivial', invocations = 20, server } = options;
  const traceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-strace-'));
  const trace = path.join(traceDir, 'trace');
  const runtime = await RuntimeHarness.start({
    handler,
    transport,
    sharedServer: server,
    command: ['strace', '-f', '-qq', '-yy', '-s', '8', '-e', 'trace=fork,vfork,clone,clone3,execve,write', '-o', trace, ...command],
  });
  try {
    await runtime.respond(event);
    await runtime.waitForNextCalls(2);
    const before = countTrace(trace);
    for (let i = 0; i < invocations; i++) {
      await runtime.respond(event);
    }
    await runtime.waitForNextCalls(invocations + 2);
    const after = countTrace(trace);
    return {
      processes: (after.processes - before.processes) / invocations,
      execs: (after.execs - before.execs) / invocations,
      requestWrites: (after.requestWrites - before.requestWrites) / invocations,
    };
  } finally {
    await runtime.stop();
    fs.rmSync(traceDir, { recursive: true, force: true });
  }
}
