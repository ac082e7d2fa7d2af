/**
 * The function's `MemorySize`, enforced on its execution environment.
 *
 * - `cgroup`: a memory cgroup (v1 or v2) of its own under the runner's, limited
 *   to `MemorySize`, which the runtime joins before it execs the bootstrap; the
 *   whole process group counts, as in Lambda. Going over gets a process of the
 *   environment OOM-killed, which the cgroup counts (`oom_kill`), and its peak
 *   usage (`max_usage_in_bytes`, `memory.peak`) is `Max Memory Used`.
 * - `rlimit`: where no cgroup can be made (no controller, no permission), each
 *   process of the runtime gets `RLIMIT_DATA` = `MemorySize`: an allocation
 *   beyond it fails in that process. `Max Memory Used` is then the peak resident
 *   memory of the bootstrap process (`VmHWM`), or the resident memory of the
 *   whole process group when that is larger.
 * - `none`: no limit (and the same measurement as `rlimit`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type MemoryLimitKind = 'cgroup' | 'rlimit' | 'none';

const MB = 1024 * 1024;

/** The limit of one execution environment. */
export interface MemoryCell {
  readonly kind: MemoryLimitKind;
  /** Shell commands the launcher runs in the runtime's process before it execs the bootstrap. */
  readonly setup: string;
  /** Peak memory of the environment so far, in MB (Lambda's `Max Memory Used`), for process group `pgid`. */
  maxUsedMb(pgid: number | undefined): number;
  /** How many processes of the environment the kernel killed for going over the limit. */
  oomKills(): number;
  /** Removes the cgroup (after the processes are gone). */
  remove(): void;
}

/** Makes a `MemoryCell` per environment, of the best kind the machine allows. */
export class MemoryLimiter {
  /** The best kind available here: `cgroup` when a child memory cgroup can be made, else `rlimit`. */
  public static detect(): MemoryLimiter {
    const cgroup = Cgroup.parent();
    return cgroup ? new MemoryLimiter('cgroup', cgroup.reason, cgroup.parent) : new MemoryLimiter('rlimit', 'no writable memory cgroup');
  }

  /** A limiter of the given kind; `cgroup` only if the machine allows it (else `rlimit`). */
  public static of(kind: MemoryLimitKind): MemoryLimiter {
    if (kind === 'cgroup') {
      return MemoryLimiter.detect();
    }
    return new MemoryLimiter(kind, kind === 'rlimit' ? 'asked for rlimit' : 'asked for no limit');
  }

  private cells = 0;

  private constructor(
    public readonly kind: MemoryLimitKind,
    /** What the choice is based on, for the log. */
    public readonly reason: string,
    private readonly parent?: CgroupParent,
  ) {}

  /** A new cell limited to `memorySizeMb`. */
  public cell(memorySizeMb: number): MemoryCell {
    if (this.kind === 'cgroup' && this.parent) {
      return new Cgroup(this.parent, `cdk-custom-runtime-${process.pid}-${++this.cells}`, memorySizeMb);
    }
    return new ProcessMemory(this.kind, this.kind === 'rlimit' ? `ulimit -d ${memorySizeMb * 1024}` : ':');
  }
}

interface CgroupParent {
  readonly dir: string;
  readonly version: 1 | 2;
}

/** A child memory cgroup, v1 or v2. */
class Cgroup implements MemoryCell {
  /** The runner's own memory cgroup, if a child of it can be made and limited. */
  public static parent(): { parent: CgroupParent; reason: string } | undefined {
    let lines: string[];
    try {
      lines = fs.readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n');
    } catch {
      return undefined;
    }
    const candidates: CgroupParent[] = [];
    for (const line of lines) {
      const [, controllers, own] = line.split(':');
      if (controllers.split(',').includes('memory')) {
        candidates.push({ dir: path.join('/sys/fs/cgroup/memory', own), version: 1 });
      } else if (controllers === '') {
        for (const root of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
          candidates.push({ dir: path.join(root, own), version: 2 });
        }
      }
    }
    // A cgroup file system only: a plain directory would take any file.
    for (const parent of candidates.filter((c) => fs.existsSync(path.join(c.dir, c.version === 1 ? 'memory.limit_in_bytes' : 'cgroup.controllers')))) {
      const probe = new Cgroup(parent, `cdk-custom-runtime-probe-${process.pid}`, 1);
      const ok = probe.created;
      probe.remove();
      if (ok) {
        return { parent, reason: `memory cgroup v${parent.version} under ${parent.dir}` };
      }
    }
    return undefined;
  }

  public readonly kind = 'cgroup';
  public readonly setup: string;
  private readonly dir: string;
  private readonly created: boolean;

  constructor(private readonly parent: CgroupParent, name: string, memorySizeMb: number) {
    this.dir = path.join(parent.dir, name);
    this.setup = `echo $$ > ${shellQuote(path.join(this.dir, 'cgroup.procs'))}`;
    try {
      fs.mkdirSync(this.dir);
      const bytes = String(memorySizeMb * MB);
      if (parent.version === 1) {
        fs.writeFileSync(path.join(this.dir, 'memory.limit_in_bytes'), bytes);
        tryWrite(path.join(this.dir, 'memory.memsw.limit_in_bytes'), bytes); // no swap beyond it, where swap is accounted
      } else {
        fs.writeFileSync(path.join(this.dir, 'memory.max'), bytes);
        tryWrite(path.join(this.dir, 'memory.swap.max'), '0');
      }
      this.created = true;
    } catch {
      this.created = false;
    }
  }

  public maxUsedMb(): number {
    const file = this.parent.version === 1 ? 'memory.max_usage_in_bytes' : 'memory.peak';
    return Math.ceil(Number(readOr(path.join(this.dir, file), '0')) / MB);
  }

  public oomKills(): number {
    const file = this.parent.version === 1 ? 'memory.oom_control' : 'memory.events';
    return Number(/^oom_kill (\d+)$/m.exec(readOr(path.join(this.dir, file), ''))?.[1] ?? 0);
  }

  public remove(): void {
    try {
      fs.rmdirSync(this.dir);
    } catch {
      // not there, or a process is still leaving: the kernel frees it with the last one
    }
  }
}

/** No cgroup: measured from /proc. */
class ProcessMemory implements MemoryCell {
  private peakMb = 0;

  constructor(public readonly kind: MemoryLimitKind, public readonly setup: string) {}

  public maxUsedMb(pgid: number | undefined): number {
    if (pgid !== undefined) {
      const leader = statusKb(pgid, 'VmHWM');
      const group = groupMembers(pgid).reduce((sum, pid) => sum + statusKb(pid, 'VmRSS'), 0);
      this.peakMb = Math.max(this.peakMb, Math.ceil(Math.max(leader, group) / 1024));
    }
    return this.peakMb;
  }

  public oomKills(): number {
    return 0;
  }

  public remove(): void {
    // nothing to remove
  }
}

/** The processes of process group `pgid` (Linux). */
function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  return entries.map(Number).filter((pid) => {
    const stat = readOr(`/proc/${pid}/stat`, '');
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[2]) === pgid;
  });
}

function statusKb(pid: number, field: string): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readOr(`/proc/${pid}/status`, ''))?.[1] ?? 0);
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function tryWrite(file: string, value: string): void {
  try {
    fs.writeFileSync(file, value);
  } catch {
    // not supported here
  }
}

/** `value` as one word for sh. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, '\'\\\'\'')}'`;
}
