/**
 * The file system a runtime sees, and the command that starts it there.
 *
 * - `lambda`: Lambda's layout, in a mount namespace of the runtime's own
 *   (`unshare -m` as root, `unshare -Urm` otherwise): the function's code at
 *   `/var/task`, read-only; the merged layers at `/opt`; the environment's own
 *   scratch directory at `/tmp`. `/var` is a read-only overlay of the host's,
 *   so that `/var/task` can exist without touching the host. Nothing changes
 *   outside the namespace.
 * - `host`: where namespaces are not available (no `unshare`, no permission,
 *   not Linux): the runtime runs from the staged directories, and `TMPDIR`
 *   points at its scratch directory.
 *
 * Either way the runtime is started by `/bin/sh`, which first applies the
 * memory limit (`MemoryCell.setup`) and then execs the bootstrap, so that the
 * bootstrap keeps the process ID and group node started.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type LayoutKind = 'lambda' | 'host';

/** Where the runtime finds its code and layers, as Lambda names them. */
export const LAMBDA_TASK_ROOT = '/var/task';
export const LAMBDA_OPT = '/opt';

/** Mounts Lambda's layout, then execs the rest: `$1` code, `$2` layers, `$3` scratch, `$4` overlay dir (its upper layer holds the mount point of /var/task), then the command. */
const MOUNT_SCRIPT = `set -e
mount --make-rprivate /
mount -t tmpfs -o size=4m,mode=0700 tmpfs "$4"
mkdir -p "$4/upper/task" "$4/work"
mount -t overlay overlay -o "ro,lowerdir=/var,upperdir=$4/upper,workdir=$4/work" /var
mount --bind "$1" ${LAMBDA_TASK_ROOT}
mount -o remount,bind,ro ${LAMBDA_TASK_ROOT}
mount --bind "$2" ${LAMBDA_OPT}
mount --bind "$3" /tmp
cd ${LAMBDA_TASK_ROOT}
shift 4
exec "$@"`;

/** The directories of one execution environment, on the host. */
export interface EnvironmentDirs {
  readonly taskRoot: string;
  readonly optDir: string;
  /** The environment's `/tmp`. */
  readonly scratchDir: string;
  /** An empty directory the namespace mounts its overlay's scratch space on. */
  readonly overlayDir: string;
}

export class Layout {
  /**
   * Lambda's layout if a mount namespace with it can be made here (tried once, with empty directories
   * under `workDir`), else the host's.
   */
  public static detect(workDir: string): Layout {
    if (process.platform !== 'linux') {
      return new Layout('host', `mount namespaces need Linux (this is ${process.platform})`);
    }
    if (!fs.existsSync(LAMBDA_OPT)) {
      return new Layout('host', `${LAMBDA_OPT} does not exist on this machine to mount the layers on`);
    }
    const probe = fs.mkdtempSync(path.join(workDir, 'layout-probe-'));
    try {
      const dirs = { taskRoot: 'task', optDir: 'opt', scratchDir: 'tmp', overlayDir: 'ovl' };
      for (const dir of Object.values(dirs)) {
        fs.mkdirSync(path.join(probe, dir));
      }
      const layout = new Layout('lambda', 'probe');
      // The probe's "bootstrap" checks the result: the code directory is there and read-only.
      const check = `test -d ${LAMBDA_TASK_ROOT} && ! touch ${LAMBDA_TASK_ROOT}/probe 2>/dev/null`;
      const { file, args } = layout.command(':', ['/bin/sh', '-c', check], {
        taskRoot: path.join(probe, dirs.taskRoot),
        optDir: path.join(probe, dirs.optDir),
        scratchDir: path.join(probe, dirs.scratchDir),
        overlayDir: path.join(probe, dirs.overlayDir),
      });
      const result = spawnSync(file, args, { encoding: 'utf8', timeout: 5000 });
      if (result.status === 0) {
        return new Layout('lambda', `mount namespace (unshare ${unshareFlags().join(' ')})`);
      }
      const why = (result.error?.message ?? result.stderr.trim().split('\n').pop()) || `exit status ${result.status}`;
      return new Layout('host', `a mount namespace cannot be made here (${why})`);
    } finally {
      fs.rmSync(probe, { recursive: true, force: true });
    }
  }

  /** The host's layout, whatever the machine allows. */
  public static host(): Layout {
    return new Layout('host', 'asked for the host layout');
  }

  private constructor(
    public readonly kind: LayoutKind,
    /** What the choice is based on, for the log. */
    public readonly reason: string,
  ) {}

  /** What the runtime sees as its task root and layers directory. */
  public visiblePaths(dirs: Pick<EnvironmentDirs, 'taskRoot' | 'optDir'>): { taskRoot: string; optDir: string } {
    return this.kind === 'lambda' ? { taskRoot: LAMBDA_TASK_ROOT, optDir: LAMBDA_OPT } : dirs;
  }

  /** Where the runtime sees a file of the staged code or layers (`/var/task/bootstrap`, `/opt/bootstrap`). */
  public visiblePath(hostPath: string, dirs: Pick<EnvironmentDirs, 'taskRoot' | 'optDir'>): string {
    if (this.kind === 'host') {
      return hostPath;
    }
    return hostPath.startsWith(dirs.taskRoot + path.sep)
      ? path.posix.join(LAMBDA_TASK_ROOT, path.relative(dirs.taskRoot, hostPath))
      : path.posix.join(LAMBDA_OPT, path.relative(dirs.optDir, hostPath));
  }

  /** The command that applies `setup` (shell commands, e.g. the memory limit), enters the layout and execs `argv` (paths as the runtime sees them). */
  public command(setup: string, argv: string[], dirs: EnvironmentDirs): { file: string; args: string[] } {
    if (this.kind === 'host') {
      return { file: '/bin/sh', args: ['-c', `${setup}\nexec "$@"`, 'launcher', ...argv] };
    }
    return {
      file: '/bin/sh',
      args: ['-c', `${setup}\nexec unshare ${unshareFlags().join(' ')} /bin/sh -c "$0" sandbox "$@"`,
        MOUNT_SCRIPT, dirs.taskRoot, dirs.optDir, dirs.scratchDir, dirs.overlayDir, ...argv],
    };
  }
}

/** Root makes a mount namespace alone; anyone else needs a user namespace too (mapped to root in it). */
function unshareFlags(): string[] {
  return process.getuid?.() === 0 ? ['--mount', '--propagation', 'private'] : ['--user', '--map-root-user', '--mount', '--propagation', 'private'];
}
