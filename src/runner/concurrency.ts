/**
 * Concurrency of one function, as Lambda counts it: the invocations in flight
 * across all its versions and aliases. Up to the limit, each one runs in an
 * execution environment of its own; beyond it a synchronous call is throttled
 * (`TooManyRequestsException`, 429) and an asynchronous event waits for a free
 * slot, as Lambda's event queue retries throttled events.
 */
import { InvokeError } from './errors';

/** Why Lambda throttled a call: the `Reason` of `TooManyRequestsException`. */
export enum ThrottleReason {
  /** The function's reserved concurrency is in use. */
  RESERVED = 'ReservedFunctionConcurrentInvocationLimitExceeded',
  /** The account's (locally: `--max-concurrency`) concurrency is in use. */
  ACCOUNT = 'ConcurrentInvocationLimitExceeded',
}

/** Concurrent invocations of one function without reserved concurrency: the local stand-in for the account's limit (Lambda's default is 1000). */
export const DEFAULT_MAX_CONCURRENCY = 10;

/** Lambda's own words for a throttled call. */
const THROTTLE_MESSAGE = 'Rate Exceeded.';

/** The `TooManyRequestsException` of a throttled call. */
export function throttled(reason: ThrottleReason): InvokeError {
  return new InvokeError('TooManyRequestsException', THROTTLE_MESSAGE, { Reason: reason });
}

/** The concurrency limit of a function: its reserved concurrency, else the runner's maximum. */
export function concurrencyLimit(reservedConcurrency: number | undefined, maxConcurrency: number): { limit: number; reason: ThrottleReason } {
  return reservedConcurrency !== undefined && reservedConcurrency <= maxConcurrency
    ? { limit: reservedConcurrency, reason: ThrottleReason.RESERVED }
    : { limit: maxConcurrency, reason: ThrottleReason.ACCOUNT };
}

/** Counts one function's invocations in flight against its limit; waiters are served first in, first out. */
export class ConcurrencyGate {
  private inFlight = 0;
  private readonly waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(public readonly limit: number, public readonly reason: ThrottleReason) {}

  /** Invocations running now. */
  public get running(): number {
    return this.inFlight;
  }

  /** Takes a slot at once, or throws `TooManyRequestsException` (a synchronous call). */
  public enterOrThrottle(): void {
    if (this.inFlight >= this.limit) {
      throw throttled(this.reason);
    }
    this.inFlight++;
  }

  /** Takes a slot when one is free (an asynchronous event). Rejects on `abort()`. */
  public enter(): Promise<void> {
    if (this.inFlight < this.limit) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Gives the slot back: to the longest waiter, if any. */
  public leave(): void {
    const next = this.waiters.shift();
    if (next) {
      next.resolve(); // the slot passes on: inFlight stays
    } else {
      this.inFlight--;
    }
  }

  /** Rejects every waiter (the runner is closing). */
  public abort(error: Error): void {
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(error);
    }
  }
}
