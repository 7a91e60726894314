/**
 * When to try again after a streamed answer's connection drops: backing off from 250 ms to 2 s,
 * for `windowMs` from the drop (the server keeps an answer with no reader for its grace period,
 * and the page is told that window). A connection that comes back resets it: a later drop gets a
 * whole window of its own.
 */
/** The wait before the first try again after a drop. */
export const FIRST_WAIT_MS = 250;

export class ReconnectPolicy {
  #droppedAt: number | undefined;
  #attempt = 0;

  constructor(readonly windowMs: number, private readonly now: () => number) {}

  /** The connection dropped, or a try failed: the wait before the next try, or undefined to give up. */
  nextWait(): number | undefined {
    const now = this.now();
    this.#droppedAt ??= now;
    if (now - this.#droppedAt > this.windowMs) return undefined;
    return Math.min(FIRST_WAIT_MS * 2 ** this.#attempt++, 2000);
  }

  /** The answer is flowing again. */
  connected(): void {
    this.#droppedAt = undefined;
    this.#attempt = 0;
  }
}
