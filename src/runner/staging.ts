/**
 * Stages deployment packages the way Lambda lays them out: the function's
 * code is the task root (`/var/task` in Lambda) and its layers are extracted,
 * in order, into one directory (`/opt` in Lambda), later layers overwriting
 * earlier ones. Locally both are directories under one temporary root,
 * created once per asset (or layer list) and removed by `cleanup()`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AssetLocation } from './assets';
import { extractZip } from './zip';

export class Stager {
  /** The temporary directory everything is staged under. */
  public readonly root: string;
  private readonly taskRoots = new Map<string, string>();
  private readonly optDirs = new Map<string, string>();
  private counter = 0;

  constructor(parent: string = os.tmpdir()) {
    this.root = fs.mkdtempSync(path.join(parent, 'cdk-custom-runtime-'));
  }

  /** A copy of the function's deployment package; the same directory for the same asset. */
  public taskRoot(code: AssetLocation): string {
    let dir = this.taskRoots.get(code.path);
    if (dir === undefined) {
      dir = this.newDir('task');
      copyAsset(code, dir);
      this.taskRoots.set(code.path, dir);
    }
    return dir;
  }

  /** The layers merged in order into one directory; the same directory for the same list. An empty list gives an empty directory. */
  public optDir(layers: AssetLocation[]): string {
    const key = JSON.stringify(layers.map((l) => l.path));
    let dir = this.optDirs.get(key);
    if (dir === undefined) {
      dir = this.newDir('opt');
      for (const layer of layers) {
        copyAsset(layer, dir);
      }
      this.optDirs.set(key, dir);
    }
    return dir;
  }

  /** A new, empty, world-writable directory: an execution environment's `/tmp`. */
  public scratchDir(): string {
    const dir = this.newDir('tmp');
    fs.chmodSync(dir, 0o1777);
    return dir;
  }

  /** A new, empty directory (e.g. a mount point only a namespace uses). */
  public emptyDir(kind: string): string {
    return this.newDir(kind);
  }

  /** Removes everything staged. */
  public cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
    this.taskRoots.clear();
    this.optDirs.clear();
  }

  private newDir(kind: string): string {
    const dir = path.join(this.root, `${kind}-${++this.counter}`);
    fs.mkdirSync(dir);
    return dir;
  }
}

function copyAsset(asset: AssetLocation, destination: string): void {
  if (asset.packaging === 'zip') {
    extractZip(asset.path, destination);
    return;
  }
  // cpSync keeps file modes (the executable bit of `bootstrap` matters) and,
  // with `force`, lets a later layer overwrite what an earlier one put there.
  fs.cpSync(asset.path, destination, { recursive: true, force: true, verbatimSymlinks: true });
}
