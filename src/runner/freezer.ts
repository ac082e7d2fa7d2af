/**
 * Lambda freezes an execution environment between invocations: once the
 * runtime asks for the next event, nothing in it runs (background work a
 * handler left behind included) until the next event arrives. Locally the
 * runtime's process group gets SIGSTOP when the runtime is waiting in
 * `GET /runtime/invocation/next`, and SIGCONT before the next event is
 * delivered, or before it is shut down (a stopped process cannot act on
 * SIGTERM).
 */

/** How often the freezer checks whether the runtime asked for the next event: at first, and at the longest. */
const FIRST_POLL_MS = 1;
const LAST_POLL_MS = 50;

export class Freezer {
  private frozen = false;
  private timer?: NodeJS.Timeout;

  /**
   * @param signalGroup sends a signal to the runtime's process group
   */
  constructor(private readonly signalGroup: (signal: NodeJS.Signals) => void) {}

  /** Whether the process group is stopped. */
  public get isFrozen(): boolean {
    return this.frozen;
  }

  /** Freezes the process group as soon as `waiting()` says the runtime waits for the next event. */
  public freezeWhen(waiting: () => boolean): void {
    this.cancel();
    const check = (delay: number): void => {
      if (waiting()) {
        this.timer = undefined;
        this.signalGroup('SIGSTOP');
        this.frozen = true;
      } else {
        this.timer = setTimeout(() => check(Math.min(2 * delay, LAST_POLL_MS)), delay);
        this.timer.unref();
      }
    };
    check(FIRST_POLL_MS);
  }

  /** Continues the process group (and drops a pending freeze). */
  public thaw(): void {
    this.cancel();
    if (this.frozen) {
      this.frozen = false;
      this.signalGroup('SIGCONT');
    }
  }

  private cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
