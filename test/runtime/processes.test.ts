/**
 * What the runtime does per invocation, counted with strace (no timing: bench/runtime-overhead.ts
 * measures time): the processes it starts, the programs it execs, and the writes each request
 * takes on the fast path's connection.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BOOTSTRAP, RuntimeHarness, Transport, TUTORIAL } from './harness';

const INVOCATIONS = 20;

function hasStrace(): boolean {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface PerInvocation {
  /** fork, vfork, clone and clone3 that start a process (not a thread). */
  readonly processes: number;
  readonly execs: number;
  /** write(2) calls on TCP connections: the HTTP requests. */
  readonly requestWrites: number;
}

/** Runs the runtime under strace and counts what `INVOCATIONS` warm invocations of `echo.trivial` cost. */
async function perInvocation(command: string[], transport: Transport, event: string = '{}'): Promise<PerInvocation> {
  const traceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-strace-'));
  const trace = path.join(traceDir, 'trace');
  const runtime = await RuntimeHarness.start({
    handler: 'echo.trivial',
    transport,
    command: ['strace', '-f', '-qq', '-yy', '-s', '8', '-e', 'trace=fork,vfork,clone,clone3,execve,write', '-o', trace, ...command],
  });
  const count = (): PerInvocation => {
    const lines = fs.readFileSync(trace, 'utf8').split('\n');
    return {
      processes: lines.filter((line) => /\b(fork|vfork|clone|clone3)\(/.test(line) && !line.includes('CLONE_THREAD') && !line.includes('resumed>')).length,
      execs: lines.filter((line) => /\bexecve\(/.test(line) && !line.includes('resumed>')).length,
      // -yy names each descriptor by what it is
      requestWrites: lines.filter((line) => /^\d+ +write\(\d+<TCP:/.test(line)).length,
    };
  };
  try {
    await runtime.respond(event);
    await runtime.waitForNextCalls(2);
    const before = count();
    for (let i = 0; i < INVOCATIONS; i++) {
      await runtime.respond(event);
    }
    await runtime.waitForNextCalls(INVOCATIONS + 2);
    const after = count();
    return {
      processes: (after.processes - before.processes) / INVOCATIONS,
      execs: (after.execs - before.execs) / INVOCATIONS,
      requestWrites: (after.requestWrites - before.requestWrites) / INVOCATIONS,
    };
  } finally {
    await runtime.stop();
    fs.rmSync(traceDir, { recursive: true, force: true });
  }
}

(hasStrace() ? describe : describe.skip)('per invocation, counted with strace', () => {
  test('fast path: no process of its own (one forked subshell runs the handler), no exec, one write per request', async () => {
    expect(await perInvocation([BOOTSTRAP], 'tcp')).toEqual({ processes: 1, execs: 0, requestWrites: 2 });
  });

  test('fast path, a 1 KiB event: still nothing started (its body is read with builtins)', async () => {
    expect(await perInvocation([BOOTSTRAP], 'tcp', 'x'.repeat(1024))).toEqual({ processes: 1, execs: 0, requestWrites: 2 });
  });

  test('curl path: one curl and the subshell', async () => {
    expect(await perInvocation([BOOTSTRAP], 'curl')).toMatchObject({ processes: 2, execs: 1 });
  });

  test('the tutorial\'s runtime starts more', async () => {
    const tutorial = await perInvocation(['bash', path.join(TUTORIAL, 'bootstrap')], 'tcp');
    expect(tutorial.processes).toBeGreaterThan(2);
    expect(tutorial.execs).toBeGreaterThan(1);
  });
});
