/**
 * The one abort wiring of a model call: it ends when the caller aborts, when the whole-answer
 * deadline passes (with a `timeout` error as the reason), or when it is released. Releasing
 * clears the deadline and lets go of the caller's signal, so nothing outlives the call.
 */
import { timeoutError } from "./errors.ts";

export class CallScope {
  readonly #abort = new AbortController();
  readonly #deadline: ReturnType<typeof setTimeout>;
  readonly #caller: AbortSignal | undefined;
  readonly #followCaller = () => this.#abort.abort(this.#caller?.reason);
  #released = false;

  constructor(timeoutMs: number, caller?: AbortSignal) {
    this.#caller = caller;
    this.#deadline = setTimeout(() => this.#abort.abort(timeoutError(timeoutMs)), timeoutMs);
    if (caller?.aborted) this.#followCaller();
    else caller?.addEventListener("abort", this.#followCaller, { once: true });
  }

  /** Aborted when the call must end; its reason says why. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get released(): boolean {
    return this.#released;
  }

  /** Ends the call (aborting what is still open with `reason`) and lets go of its timer and listener. */
  release(reason?: unknown): void {
    if (this.#released) return;
    this.#released = true;
    clearTimeout(this.#deadline);
    this.#caller?.removeEventListener("abort", this.#followCaller);
    if (!this.#abort.signal.aborted) this.#abort.abort(reason);
  }

  [Symbol.dispose](): void {
    this.release("finished");
  }
}
