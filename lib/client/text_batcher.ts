/**
 * Gathers streamed text and hands it on at most once per `intervalMs`, and per frame: the first
 * text shows on the next frame, later text waits out the interval. A screen needs no more.
 */
import type { Clock } from "./clock.ts";

export class TextBatcher {
  #pending = "";
  #lastFlush = -Infinity;
  /** Bumped to cancel what is scheduled (a fake clock has no clearTimeout). */
  #schedule = 0;
  #scheduled = false;

  constructor(
    private readonly deliver: (text: string) => void,
    private readonly intervalMs: number,
    private readonly clock: Clock,
  ) {}

  append(chunk: string): void {
    this.#pending += chunk;
    if (this.#scheduled) return;
    this.#scheduled = true;
    const token = this.#schedule;
    const wait = Math.max(0, this.#lastFlush + this.intervalMs - this.clock.now());
    this.clock.setTimeout(() => {
      if (token !== this.#schedule) return;
      this.clock.frame(() => {
        if (token === this.#schedule) this.flush();
      });
    }, wait);
  }

  /** Hands on what is pending now. */
  flush(): void {
    this.cancel();
    if (!this.#pending) return;
    const text = this.#pending;
    this.#pending = "";
    this.#lastFlush = this.clock.now();
    this.deliver(text);
  }

  /** Drops what is scheduled (the pending text stays, for a later flush). */
  cancel(): void {
    this.#schedule++;
    this.#scheduled = false;
  }

  /** Forgets the pending text too. */
  reset(): void {
    this.cancel();
    this.#pending = "";
  }
}
