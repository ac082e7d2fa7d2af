import * as fs from 'fs';

/**
 * Whether process `pid` is running. A zombie counts as gone: a killed
 * process whose parent died is reparented to PID 1, which in a container may
 * never reap it, and `kill(pid, 0)` still succeeds on it.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}
