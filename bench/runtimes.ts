/**
 * The two runtimes under comparison, run by the runtime test harness (test/runtime/harness.ts):
 * each process gets a private TMPDIR and is stopped with SIGTERM (its process group).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BOOTSTRAP, FIXTURES, HarnessServer, RuntimeHarness, Transport, TUTORIAL } from '../test/runtime/harness';

export interface RuntimeUnderTest {
  readonly name: string;
  readonly command: string[];
  /** For ours: its path to the Runtime API. @default 'tcp' */
  readonly transport?: Transport;
}

/** runtime/shell/bootstrap on its fast path (the default): one keep-alive /dev/tcp connection. */
export const OURS: RuntimeUnderTest = { name: 'ours, fast path', command: [BOOTSTRAP] };

/** runtime/shell/bootstrap on its curl path (`LAMBDA_RUNTIME_TRANSPORT=curl`): one curl per invocation. */
export const OURS_CURL: RuntimeUnderTest = { name: 'ours, curl path', command: [BOOTSTRAP], transport: 'curl' };

/**
 * The seed tutorial's bootstrap. It starts with #!/bin/sh and uses `source` and `pipefail`, which
 * dash (this machine's /bin/sh) rejects, so it runs as `bash bootstrap`, as on Amazon Linux.
 */
export const TUTORIAL_RUNTIME: RuntimeUnderTest = { name: 'tutorial', command: ['bash', path.join(TUTORIAL, 'bootstrap')] };

/**
 * Starts `runtime` with a handler of test/fixtures/runtime (e.g. `echo.trivial`). Without `server`,
 * a fresh RuntimeApiServer is started for it (and closed by `stop()`), so that the long poll of a
 * runtime stopped earlier can never take an event meant for this one.
 */
export function startRuntime(runtime: RuntimeUnderTest, handler: string, server?: HarnessServer): Promise<RuntimeHarness<HarnessServer>> {
  return RuntimeHarness.start<HarnessServer>({
    handler, taskRoot: FIXTURES, command: runtime.command, sharedServer: server, transport: runtime.transport ?? 'tcp',
  });
}

/** The runtimes in the order of round `round`: rotated, and reversed every other round, so none always runs first. */
export function orderFor<T>(round: number, items: readonly T[]): T[] {
  const shift = Math.floor(round / 2) % items.length;
  const rotated = [...items.slice(shift), ...items.slice(0, shift)];
  return round % 2 === 0 ? rotated : rotated.reverse();
}

let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system, in ms) of process `pid` and of every child it has waited for, from
 * /proc/PID/stat: for a runtime, its own shell plus the curl processes, subshells and programs it
 * started and reaped. Resolution: one clock tick (10 ms), so read it around many invocations.
 */
export function cpuMs(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name start at field 3: utime, stime, cutime, cstime are fields 14 to 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields.slice(11, 15).reduce((sum, field) => sum + Number(field), 0);
  return (ticks * 1000) / ticksPerSecond;
}
