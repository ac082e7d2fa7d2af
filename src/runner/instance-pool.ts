/**
 * The execution environments of one function version. An invocation takes a
 * warm (idle) one if there is one, else starts a new one: a cold start. After
 * the invocation a healthy environment goes back to the pool; a failed one
 * (timeout, crash, init error, out of memory) is closed, so that the next
 * invocation starts afresh, as on Lambda. How many run at once is the
 * function's concurrency, which the caller limits (`ConcurrencyGate`).
 */
import { RuntimeInstance } from './runtime-instance';

export class InstancePool {
  private readonly idle: RuntimeInstance[] = [];
  private readonly live = new Set<RuntimeInstance>();
  private closed = false;
  private drained?: Promise<void>;
  private onDrained?: () => void;

  constructor(private readonly startInstance: () => Promise<RuntimeInstance>) {}

  /** Every environment of the pool, busy or idle. */
  public get instances(): readonly RuntimeInstance[] {
    return [...this.live];
  }

  /** A warm environment, the most recently used first, else a new one. */
  public async acquire(): Promise<RuntimeInstance> {
    for (let warm = this.idle.pop(); warm; warm = this.idle.pop()) {
      if (warm.alive) {
        return warm;
      }
      await this.retire(warm); // its runtime exited while idle
    }
    const fresh = await this.startInstance();
    this.live.add(fresh);
    if (this.closed) {
      // The runner closed while this one started.
      await this.retire(fresh);
      throw new Error('The local runner is closed');
    }
    return fresh;
  }

  /** Back to the pool after an invocation, or closed if it failed. */
  public async release(instance: RuntimeInstance): Promise<void> {
    if (instance.alive && !this.closed && !this.drained) {
      this.idle.push(instance);
    } else {
      await this.retire(instance);
    }
  }

  /**
   * For a function whose code changed: idle environments close now, busy ones once their invocation has ended;
   * invocations that already hold the pool still run here, on the old code.
   * @returns a promise settled when no environment is left
   */
  public drain(): Promise<void> {
    if (!this.drained) {
      this.drained = new Promise<void>((resolve) => {
        this.onDrained = resolve;
      });
      const idle = this.idle.splice(0);
      if (idle.length === 0) {
        this.checkDrained();
      }
      idle.forEach((instance) => void this.retire(instance));
    }
    return this.drained;
  }

  /** Closes every environment. */
  public async close(): Promise<void> {
    this.closed = true;
    this.idle.length = 0;
    await Promise.all([...this.live].map((i) => this.retire(i)));
  }

  private async retire(instance: RuntimeInstance): Promise<void> {
    this.live.delete(instance);
    await instance.close();
    this.checkDrained();
  }

  private checkDrained(): void {
    if (this.drained && this.live.size === 0) {
      this.onDrained?.();
    }
  }
}
