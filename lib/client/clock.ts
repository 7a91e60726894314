/** Time as the client code sees it: injectable, so that unit tests run on a fake clock. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  /** Runs `run` before the next paint (setTimeout where there is no painting). */
  frame(run: () => void): unknown;
}

export const browserClock: Clock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  frame: (run) =>
    typeof requestAnimationFrame === "function" ? requestAnimationFrame(() => run()) : setTimeout(run, 0),
};
