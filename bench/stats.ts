/**
 * Summaries of samples, and the number formats the report uses.
 */

export interface Summary {
  readonly count: number;
  readonly median: number;
  readonly p90: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentile (`p` between 0 and 1) of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export function median(samples: readonly number[]): number {
  return summarize(samples).median;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    median: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
    mean: sorted.reduce((sum, x) => sum + x, 0) / sorted.length,
  };
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** `12.3 ms`, `0.45 ms`. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) {
    return 'n/a';
  }
  return `${value < 1 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

/** `0.43x`. */
export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a';
}

/** `43%`. */
export function percent(value: number): string {
  return `${value.toFixed(0)}%`;
}

/** `1,234`. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** `1.2 MB`, `845 KB`, `512 B` (decimal units, as CloudFormation states its limits). */
export function bytes(value: number): string {
  if (value >= 1e6) {
    return `${(value / 1e6).toFixed(2)} MB`;
  }
  if (value >= 1e3) {
    return `${(value / 1e3).toFixed(1)} KB`;
  }
  return `${value} B`;
}
