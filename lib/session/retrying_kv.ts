/**
 * Deno KV with every call retried while the store is momentarily unavailable. Two processes on
 * one KV file take turns at SQLite's write lock, and the one that finds it taken gets
 * `TypeError: database is locked` at once (no busy timeout): every read, write, commit and listing
 * goes through here, tried again with a jittered, doubling back-off for up to `maxWaitMs`, so a
 * write lands or fails with a clear `StoreUnavailableError` — never silently. A failed atomic
 * check is not an error (the caller decides what a conflict means); a listing that breaks part way
 * goes on from its cursor.
 */

/** The store stayed unavailable for the whole retry window. */
export class StoreUnavailableError extends Error {
  constructor(override readonly cause: unknown, readonly attempts: number) {
    super(`the store stayed unavailable after ${attempts} tries: ${String(cause)}`);
    this.name = "StoreUnavailableError";
  }
}

export interface RetryOptions {
  /** How long one call keeps trying (the default: 10 s). */
  maxWaitMs?: number;
  /** The first wait; each one after doubles, up to `maxDelayMs`, with jitter. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Told of each transient failure (for the log and the metrics). */
  onRetry?: (error: unknown, attempt: number) => void;
}

/** SQLite's lock and busy errors, and a remote store's dropped connections: worth another try. */
export function isTransient(error: unknown): boolean {
  const text = String((error as Error)?.message ?? error).toLowerCase();
  return /database is locked|database table is locked|database is busy|sqlite_busy|sqlite_locked|connection (reset|closed|refused)|timed out|temporarily unavailable|too many requests|\b503\b/
    .test(text);
}

/** Runs `call` until it succeeds, fails for good, or the retry window is spent. */
export async function retried<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { maxWaitMs = 10_000, firstDelayMs = 5, maxDelayMs = 250 } = options;
  const started = Date.now();
  for (let attempt = 1;; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error)) throw error;
      options.onRetry?.(error, attempt);
      const delay = Math.min(maxDelayMs, firstDelayMs * 2 ** Math.min(attempt - 1, 16));
      const wait = delay / 2 + Math.random() * delay / 2;
      if (Date.now() - started + wait > maxWaitMs) throw new StoreUnavailableError(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** `kv` with every call retried (see above); the same Deno.Kv interface. */
export function retryingKv(kv: Deno.Kv, options: RetryOptions = {}): Deno.Kv {
  const retry = <T>(call: () => Promise<T>) => retried(call, options);
  const wrapped = {
    get: (key: Deno.KvKey, opts?: { consistency?: Deno.KvConsistencyLevel }) =>
      retry(() => kv.get(key, opts)),
    getMany: (keys: Deno.KvKey[], opts?: { consistency?: Deno.KvConsistencyLevel }) =>
      retry(() => kv.getMany(keys, opts)),
    set: (key: Deno.KvKey, value: unknown, opts?: { expireIn?: number }) =>
      retry(() => kv.set(key, value, opts)),
    delete: (key: Deno.KvKey) => retry(() => kv.delete(key)),
    list: <T>(selector: Deno.KvListSelector, opts: Deno.KvListOptions = {}) =>
      resumingList<T>(kv, selector, opts, options),
    atomic: () => retryingAtomic(kv, options),
    enqueue: (value: unknown, opts?: Parameters<Deno.Kv["enqueue"]>[1]) =>
      retry(() => kv.enqueue(value, opts)),
    listenQueue: (handler: (value: unknown) => Promise<void> | void) => kv.listenQueue(handler),
    watch: (keys: Deno.KvKey[], opts?: { raw?: boolean }) => kv.watch(keys, opts),
    close: () => kv.close(),
    commitVersionstamp: () => kv.commitVersionstamp(),
    [Symbol.dispose]: () => kv.close(),
  };
  return wrapped as unknown as Deno.Kv;
}

/**
 * An atomic operation recorded as it is built and replayed on each try: a try that failed with a
 * transient error did not commit, so trying the same operation again is safe.
 */
function retryingAtomic(kv: Deno.Kv, options: RetryOptions): Deno.AtomicOperation {
  const steps: Array<(op: Deno.AtomicOperation) => void> = [];
  const recorder: Record<string, unknown> = {};
  for (const method of ["check", "mutate", "sum", "min", "max", "set", "delete", "enqueue"] as const) {
    recorder[method] = (...args: unknown[]) => {
      // deno-lint-ignore no-explicit-any
      steps.push((op) => (op[method] as (...a: any[]) => unknown)(...args));
      return recorder;
    };
  }
  recorder.commit = () =>
    retried(() => {
      const op = kv.atomic();
      for (const step of steps) step(op);
      return op.commit();
    }, options);
  return recorder as unknown as Deno.AtomicOperation;
}

/** A listing that, when a page fails with a transient error, goes on from the last entry it gave. */
function resumingList<T>(
  kv: Deno.Kv,
  selector: Deno.KvListSelector,
  opts: Deno.KvListOptions,
  options: RetryOptions,
): Deno.KvListIterator<T> {
  let inner = kv.list<T>(selector, opts);
  let given = 0;
  let cursor = "";
  const iterator = {
    get cursor() {
      return cursor;
    },
    async next(): Promise<IteratorResult<Deno.KvEntry<T>, undefined>> {
      const result = await retried(async () => {
        try {
          return await inner.next();
        } catch (error) {
          // Start again after the last entry given (or from the start), within the same limit.
          const limit = opts.limit === undefined ? undefined : opts.limit - given;
          inner = kv.list<T>(selector, {
            ...opts,
            ...(limit === undefined ? {} : { limit }),
            cursor: cursor || opts.cursor,
          });
          throw error;
        }
      }, options);
      if (!result.done) {
        given++;
        cursor = inner.cursor;
      }
      return result as IteratorResult<Deno.KvEntry<T>, undefined>;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator as unknown as Deno.KvListIterator<T>;
}
