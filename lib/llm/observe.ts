import type { Delta } from "./types.ts";
import type { SourceReader } from "../shared/source_reader.ts";

export type StreamOutcome = "done" | "error" | "cancelled";

export interface StreamReport {
  outcome: StreamOutcome;
  /** The answer's text that went through, whole or as far as it got. */
  text: string;
  /** The thinking before it (a reasoning model's), when there was any. */
  reasoning: string;
  characters: number;
  /** Milliseconds from the start to the first word of the answer, when there was any. */
  firstChunkMs?: number;
  /** Milliseconds from the start to the first word of thinking, when there was any. */
  firstThoughtMs?: number;
  durationMs: number;
  error?: unknown;
  /** Why the reader cancelled: "stopped" when a person pressed Stop. */
  cancelReason?: unknown;
}

type Read = ReadableStreamReadResult<Delta>;
const DUE: unique symbol = Symbol("due");

/**
 * One clock for the held text of every answer in the process: a timer per answer would wake the
 * process once per answer per interval even when the text went on with the next delta (a cleared
 * timer still ends the event loop's wait). This one ticks only while some text is held, once per
 * interval for all of them, and wakes the answers whose text has waited long enough.
 */
class FlushClock {
  readonly #waiting = new Map<() => void, number>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly intervalMs: number) {}

  /** Calls `wake` at the first tick at or after `dueAt` (Date.now() time); returns a cancel. */
  wait(dueAt: number, wake: () => void): () => void {
    this.#waiting.set(wake, dueAt);
    this.#timer ??= setInterval(() => this.#tick(), this.intervalMs);
    return () => this.#forget(wake);
  }

  #tick(): void {
    const now = Date.now();
    for (const [wake, dueAt] of this.#waiting) {
      if (dueAt > now) continue;
      this.#forget(wake);
      wake();
    }
  }

  #forget(wake: () => void): void {
    this.#waiting.delete(wake);
    if (this.#waiting.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}

const clocks = new Map<number, FlushClock>();
const clockFor = (ms: number) => clocks.get(ms) ?? clocks.set(ms, new FlushClock(ms)).get(ms)!;

/** What reads an answer's deltas on: a stage that is a reader, without a stream of its own. */
export type DeltaReader = SourceReader<Delta>;

/**
 * Reads deltas on and reports once how the stream ended, with its text and thinking. The end of
 * the stream waits for `onEnd`, so whatever it stores is stored before the reader hears that the
 * stream is over. It is a reader, not a stream of its own: one stage less per delta.
 *
 * With `flushMs`, deltas are coalesced: a delta that comes within `flushMs` of the last one passed
 * on is held, and joined by the next ones of its kind, until one arrives after the interval (or
 * the stream ends, or the kind changes): then they go on as one. The first delta, and any after
 * a quiet spell, goes on at once. A timer flushes held text only when the model falls quiet, so a
 * steady stream costs no timer wake-ups. A reader's screen needs no more than a few updates a
 * second, and each delta passed on costs an event, a socket write and a wake-up on both sides.
 */
export function observeDeltas(
  source: ReadableStream<Delta>,
  onEnd: (report: StreamReport) => void | Promise<void>,
  { flushMs = 0, startedAt = performance.now() }: {
    flushMs?: number;
    /** When the answer was asked for (`performance.now()`): times are from there, not from this stage. */
    startedAt?: number;
  } = {},
): DeltaReader {
  const reader = source.getReader();
  const started = startedAt;
  let text = "";
  let reasoning = "";
  let firstChunkMs: number | undefined;
  let firstThoughtMs: number | undefined;
  let reported = false;
  /** Text held back, waiting to go on with what comes next. */
  let held: Delta | undefined;
  /** Deltas ready to go on (two when the kind changed): the next reads return them first. */
  const ready: Delta[] = [];
  let lastSent = -Infinity;
  /** A read still waiting when held text went on: the next read continues it. */
  let pending: Promise<Read> | undefined;
  /** Resolves when held text has waited long enough (the model fell quiet). */
  let due: Promise<typeof DUE> | undefined;
  let stopWaiting: (() => void) | undefined;
  /** How the source ended, once it has: the reads after what is ready say so. */
  let end: { error?: unknown } | undefined;

  const report = async (outcome: StreamOutcome, error?: unknown, cancelReason?: unknown): Promise<void> => {
    if (reported) return;
    reported = true;
    stopWaiting?.();
    await onEnd({
      outcome,
      text,
      reasoning,
      characters: text.length,
      firstChunkMs,
      firstThoughtMs,
      durationMs: performance.now() - started,
      error,
      cancelReason,
    });
  };
  const flush = () => {
    if (!held) return;
    ready.push(held);
    held = undefined;
    stopWaiting?.();
    due = undefined;
  };
  const next = (): ReadableStreamReadResult<Delta> => {
    lastSent = Date.now();
    return { done: false, value: ready.shift()! };
  };

  async function read(): Promise<ReadableStreamReadResult<Delta>> {
    if (ready.length > 0) return next();
    if (end) {
      if (end.error === undefined) return { done: true, value: undefined };
      throw end.error;
    }
    try {
      while (true) {
        const reading = pending ?? reader.read();
        pending = undefined;
        const result = due ? await Promise.race([reading, due]) : await reading;
        if (result === DUE) {
          pending = reading;
          flush();
          return next();
        }
        if (end) {
          // Cancelled while this delta was on its way: what was stored at the cancel is all readers
          // get (what was held is in it and goes on; this delta is not, and is dropped).
          flush();
          return ready.length > 0 ? next() : { done: true, value: undefined };
        }
        if (result.done) {
          flush();
          end = {};
          await report("done");
          return ready.length > 0 ? next() : { done: true, value: undefined };
        }
        const delta = result.value;
        if (delta.kind === "content") {
          firstChunkMs ??= performance.now() - started;
          text += delta.text;
        } else {
          firstThoughtMs ??= performance.now() - started;
          reasoning += delta.text;
        }
        // Date.now(): milliseconds are enough here, and it costs no call into the runtime.
        const quiet = Date.now() - lastSent >= flushMs;
        if (held && held.kind !== delta.kind) flush();
        if (held) held.text += delta.text;
        else if (quiet) ready.push(delta);
        else {
          held = { kind: delta.kind, text: delta.text };
          // Should the model fall quiet, what is held goes on by itself a little later.
          due = new Promise((resolve) => {
            stopWaiting = clockFor(flushMs).wait(Date.now() + flushMs, () => resolve(DUE));
          });
        }
        if (quiet) flush();
        if (ready.length > 0) return next();
      }
    } catch (error) {
      // What was held goes on first; the failure is raised by the read after it.
      flush();
      end = { error };
      await report("error", error);
      if (ready.length > 0) return next();
      throw error;
    }
  }

  return {
    read,
    async cancel(reason) {
      stopWaiting?.();
      end ??= {};
      // Report first: cancelling the source settles a pending read as `done`.
      const reporting = report("cancelled", undefined, reason);
      await reader.cancel(reason);
      await reporting;
    },
  };
}
