/**
 * `serve --watch`: notices a new synth in the cloud assembly directory and has the
 * runner read it again. It polls `manifest.json` and the files it names (the CDK CLI
 * writes the manifest last, after the templates and assets), and reloads once they
 * have stopped changing, so that a synth still being written is not read half-way.
 * Polling works the same on every platform and survives `cdk.out` being removed and
 * written again, which `fs.watch` does not.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** How often the directory is looked at. */
export const WATCH_INTERVAL_MS = 200;

export interface WatchOptions {
  /** Reads the assembly again; returns what changed, or throws when it cannot be read. */
  readonly reload: () => string[];
  /** A reload happened: the construct paths of the functions that changed (empty: nothing that runs changed). */
  readonly onReload: (changed: string[]) => void;
  /** The new assembly cannot be read; the previous one keeps serving. */
  readonly onError: (error: Error) => void;
  /** @default 200 */
  readonly intervalMs?: number;
}

export class AssemblyWatcher {
  private readonly timer: NodeJS.Timeout;
  private seen: string;
  private pending?: string;

  constructor(private readonly directory: string, private readonly options: WatchOptions) {
    this.seen = this.signature();
    this.timer = setInterval(() => this.poll(), options.intervalMs ?? WATCH_INTERVAL_MS);
    this.timer.unref();
  }

  public close(): void {
    clearInterval(this.timer);
  }

  private poll(): void {
    const now = this.signature();
    if (now === this.seen) {
      this.pending = undefined;
      return;
    }
    if (now !== this.pending) {
      // Changed since the last look: wait until it holds still for one interval.
      this.pending = now;
      return;
    }
    this.seen = now;
    this.pending = undefined;
    try {
      this.options.onReload(this.options.reload());
    } catch (e) {
      this.options.onError(e as Error);
    }
  }

  /** Size and modification time of the manifest and of the templates and nested manifests it names. */
  private signature(): string {
    const manifest = path.join(this.directory, 'manifest.json');
    const parts = [stamp(manifest)];
    try {
      const text = fs.readFileSync(manifest, 'utf8');
      for (const match of text.matchAll(/"(?:templateFile|directoryName)"\s*:\s*"([^"]+)"/g)) {
        const file = path.join(this.directory, match[1]);
        parts.push(stamp(file), stamp(path.join(file, 'manifest.json')));
      }
    } catch {
      // missing or being written: the stamp says so
    }
    return parts.join('|');
  }
}

function stamp(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return '-';
  }
}
