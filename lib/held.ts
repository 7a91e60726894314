/**
 * Something taken that must be given back on every way out of a scope (`using`), unless its
 * duty is handed on to whatever outlives the scope (a running answer, say) with `handOver`.
 */
export class Held implements Disposable {
  #release: (() => void) | undefined;

  constructor(release: () => void) {
    this.#release = release;
  }

  /** Gives the duty to release to the caller: the scope's end no longer releases it. */
  handOver(): () => void {
    const release = this.#release ?? (() => {});
    this.#release = undefined;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
    };
  }

  [Symbol.dispose](): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
}

/** Held, for what takes time to give back (a KV entry): `await using`. */
export class HeldAsync implements AsyncDisposable {
  #release: (() => Promise<void>) | undefined;

  constructor(release: () => Promise<void>) {
    this.#release = release;
  }

  handOver(): void {
    this.#release = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    await release?.();
  }
}
