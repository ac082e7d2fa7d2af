/**
 * What the benchmark ran on, and when the command that started it began.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly kernel: string;
  readonly node: string;
  readonly bash: string;
  readonly curl: string;
  readonly awsCdkLib: string;
  readonly commit: string;
  /** 1-minute load average when the benchmark started (other work on the machine skews every number). */
  readonly loadAtStart: number;
}

const REPO_ROOT = path.join(__dirname, '..');

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: os.totalmem() / 2 ** 30,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    bash: firstLine('bash', ['--version']),
    curl: firstLine('curl', ['--version']).split(' ').slice(0, 2).join(' '),
    awsCdkLib: JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')).version,
    commit: firstLine('git', ['rev-parse', '--short', 'HEAD']),
    loadAtStart: os.loadavg()[0],
  };
}

function firstLine(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0].trim();
  } catch {
    return `${command}: not found`;
  }
}

/**
 * When the command that launched this process started (epoch ms): the furthest ancestor in an
 * unbroken chain of `npm`/`npx`/`projen`/`ts-node` processes, so that `npx projen bench` is timed
 * from its own start, jsii compile included. Falls back to this process's start (no /proc).
 */
export function launchedAt(): { readonly epochMs: number; readonly command: string } {
  const own = { epochMs: Date.now() - process.uptime() * 1000, command: 'ts-node bench/run.ts' };
  try {
    const bootSeconds = Number(/^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))![1]);
    const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    let found = own;
    let pid = process.ppid;
    while (pid > 1) {
      const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (!/\b(npm|npx|projen|ts-node)\b/.test(command)) {
        break;
      }
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields after the command name start at field 3 (state): ppid is field 4, starttime field 22.
      found = { epochMs: (bootSeconds + Number(fields[19]) / ticksPerSecond) * 1000, command };
      pid = Number(fields[1]);
    }
    return found;
  } catch {
    return own;
  }
}
