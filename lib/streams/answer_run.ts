/**
 * One resumable answer. It reads the model once, whoever is listening: every event is numbered,
 * kept in memory for this instance's readers and written to the EventLog in batches for
 * readers elsewhere. It ends by itself, on Stop (here, or asked through KV by another
 * instance), or after `graceMs` with no reader anywhere.
 */
import type { Delta } from "../llm/types.ts";
import {
  type AnswerEnd,
  type AnswerStats,
  contentEvent,
  doneEvent,
  errorEvent,
  reasoningEvent,
  type StreamEvent,
} from "../shared/contract.ts";
import type { DescribeError, NumberedEvent } from "../sse/relay.ts";
import { readerOf, type SourceReader } from "../shared/source_reader.ts";
import { readDense } from "./dense_reader.ts";
import { type EventLog, FencedError, type HandoverRecipe, type StreamMeta } from "./event_log.ts";

export interface AnswerRunOptions {
  id: string;
  meta: StreamMeta;
  /** The meta's versionstamp as claimed: each write checks the meta is still as this run left it. */
  versionstamp: string;
  eventLog: EventLog;
  graceMs: number;
  pollMs: number;
  describeError: DescribeError;
  /** Called once everything is written. */
  onFinished?: () => void;
  /** The answer's stats, read when `done` is sent. */
  stats?: () => AnswerStats | undefined;
  /** Why the model stopped, read when `done` is sent. */
  end?: () => AnswerEnd;
  /** The first wait before a failed event log write is tried again (it doubles each time). */
  retryDelayMs?: number;
  /** Told of each failed event log write. */
  onWriteFailed?: (error: unknown, attempt: number) => void;
  /** How another instance can go on with the answer, should this one shut down first. */
  recipe?: () => Promise<HandoverRecipe | undefined>;
  /** The events an earlier instance ran and logged (a handed-over answer this run goes on with). */
  after?: NumberedEvent[];
}

/**
 * Sent without an id to this instance's readers of an answer it handed over: the answer goes on
 * elsewhere, so they come back for it (as after any drop), through another instance.
 */
export const HANDED_OVER_EVENT: NumberedEvent = {
  id: 0,
  event: errorEvent("This server is restarting: reconnect to go on reading.", "shutdown"),
};

/** Batches are written at least this often while events arrive. */
const FLUSH_MS = 150;
/** A batch (a KV value, capped at 64 KiB) holds at most about this many characters. */
const BATCH_CHARACTERS = 24_000;
/** A longer delta is split over several events. */
const EVENT_CHARACTERS = 8_000;
/** The answer's own Stop key is looked at this often (the instance's mailbox every poll). */
const STOP_LOOK_MS = 2000;
/** Tries of one batch before the event log counts as lost (with waits of 100, 200, 400, 800 ms by default). */
const WRITE_ATTEMPTS = 5;

export class AnswerRun {
  readonly events: NumberedEvent[] = [];
  finished = false;
  #options: AnswerRunOptions;
  #meta: StreamMeta;
  #source: SourceReader<Delta> | undefined;
  #stopping = false;
  /** The model's stream being cancelled (a Stop): its end is reported, and the answer saved, first. */
  #cancelled: Promise<void> = Promise.resolve();
  #readers = 0;
  #wake: Array<() => void> = [];
  /** Events committed to the event log: it moves only once a write has succeeded. */
  #written = 0;
  #pendingCharacters = 0;
  /** The eventLog could not be written even after retries: the answer ends rather than leave a gap. */
  #logLost: unknown;
  /** Another instance ended this answer (taking it for orphaned): nothing more of it is written. */
  #fenced = false;
  #versionstamp: string;
  #flushing: Promise<void> = Promise.resolve();
  #timers: { flush?: ReturnType<typeof setInterval>; grace?: ReturnType<typeof setTimeout> } = {};
  /** When the answer's own Stop key was last looked at (at once for an answer taken up). */
  #stopLookedAt = 0;
  /** This instance's heartbeat, kept going while the answer runs (the answer lives by it). */
  #alive: Disposable;
  /** Asked to hand the answer over: the model's stream is being cancelled for it. */
  #handingOver = false;
  /** Handed over: another instance goes on with it, and readers here are sent there. */
  #handedOver = false;
  #ended: Promise<void>;

  constructor(deltas: ReadableStream<Delta> | SourceReader<Delta>, options: AnswerRunOptions) {
    this.#options = options;
    this.#meta = options.meta;
    this.#versionstamp = options.versionstamp;
    this.#source = readerOf(deltas);
    this.#alive = options.eventLog.instance.hold();
    // A new answer has no Stop yet; one taken up may have had one asked while it changed hands.
    if (!options.after) this.#stopLookedAt = Date.now();
    if (options.after) {
      this.events.push(...options.after);
      this.#written = options.after.length;
    }
    this.#timers.flush = setInterval(() => void this.#tick(), Math.min(FLUSH_MS, options.pollMs));
    this.#ended = this.#pump();
  }

  get id(): string {
    return this.#options.id;
  }

  get meta(): StreamMeta {
    return this.#meta;
  }

  /** Readers on this instance now. */
  get readers(): number {
    return this.#readers;
  }

  /**
   * Stops the answer at once: the model's request is aborted, readers get `done`. The reason is
   * "stopped" when a person asked, "abandoned" when nobody read it any more.
   */
  stop(reason: "stopped" | "abandoned" = "stopped"): void {
    // A person's Stop while the answer is being handed over wins: it ends here, as stopped.
    if (this.#handingOver && reason === "stopped") this.#handingOver = false;
    if (this.#stopping || this.finished) return;
    this.#stopping = true;
    this.#cancelled = this.#source?.cancel(reason).catch(() => {}) ?? Promise.resolve();
  }

  /**
   * Hands the answer over to another instance (this one is shutting down): the model's stream is
   * cancelled, the text so far saved (as when stopped) and every event written; then the log says
   * how to go on, and readers here are sent elsewhere. False when it could not be (it had ended, or
   * has no recipe, or the log could not take it): the answer then ends here with `shutdown`.
   */
  async handOver(): Promise<boolean> {
    if (this.#stopping || this.finished || !this.#options.recipe) return false;
    this.#stopping = true;
    this.#handingOver = true;
    this.#cancelled = this.#source?.cancel("handover").catch(() => {}) ?? Promise.resolve();
    await this.#ended;
    return this.#handedOver;
  }

  /** With nobody reading here from the start (a run taken over from another instance), the grace starts at once. */
  unattended(): void {
    if (this.#readers === 0 && !this.finished) this.#startGrace();
  }

  /** This instance's view of the answer from event `afterId` on: logged events, then live ones. */
  read(afterId: number): ReadableStream<NumberedEvent> {
    this.#attach();
    return readDense(
      {
        events: this.events,
        ending: () => (this.#handedOver ? HANDED_OVER_EVENT : this.finished ? "end" : undefined),
        changed: () => new Promise<void>((resolve) => this.#wake.push(resolve)),
      },
      afterId,
      () => this.#detach(),
    );
  }

  async #pump(): Promise<void> {
    const source = this.#source!;
    try {
      while (true) {
        const { done, value } = await source.read();
        if (done) break;
        const event = value.kind === "content" ? contentEvent : reasoningEvent;
        for (const piece of splitText(value.text, EVENT_CHARACTERS)) this.#push(event(piece));
      }
    } catch (error) {
      const { message, code, serverMessage } = this.#options.describeError(error);
      this.#push(errorEvent(message, code, serverMessage));
      this.#handingOver = false; // it failed by itself: there is nothing to go on with
    }
    // A stopped answer is saved before its readers hear `done`, as a finished one is: a reload
    // right after always finds it.
    await this.#cancelled;
    // Cut for a handover (not ended by itself as it was being cut): goes on elsewhere, or ends here.
    if (this.#handingOver && this.#options.end?.().finishReason === undefined) {
      if (await this.#writeHandover()) return;
      this.#push(errorEvent("The server is restarting: ask again in a moment.", "shutdown"));
    }
    if (this.#fenced) {
      // Readers elsewhere were told it was cut off; readers here hear the same, and nothing is written.
      this.#push(errorEvent("The answer was cut off: the server writing it stopped. Ask again.", "orphaned"));
    } else if (this.#logLost !== undefined) {
      this.#push(
        errorEvent("The answer could not be saved, so it was stopped. Please try again.", "storage"),
      );
    }
    this.#push(doneEvent(this.#options.stats?.(), this.#options.end?.()));
    await this.#end(true);
  }

  /**
   * Nothing more runs here: readers are woken and the heartbeat let go; `writeLast`: the last events
   * are written first, and the log says finished (not for a handover, which goes on elsewhere).
   */
  async #end(writeLast: boolean): Promise<void> {
    this.finished = true;
    clearInterval(this.#timers.flush);
    clearTimeout(this.#timers.grace);
    if (writeLast) await this.#flush();
    this.#alive[Symbol.dispose]();
    this.#wakeReaders();
    this.#options.onFinished?.();
  }

  /** The handover: the text is saved (the stream's end), every event written, then the recipe. */
  async #writeHandover(): Promise<boolean> {
    clearInterval(this.#timers.flush);
    await this.#flush();
    const recipe = await this.#options.recipe?.().catch(() => undefined);
    const handedOver = recipe !== undefined && !this.#fenced && this.#logLost === undefined &&
      this.#written === this.events.length &&
      await this.#options.eventLog.handOver(this.id, this.#meta, this.#versionstamp, recipe).catch(() =>
        false
      );
    if (!handedOver) return false;
    this.#handedOver = true;
    await this.#end(false);
    return true;
  }

  #push(event: StreamEvent): void {
    const numbered = { id: this.events.length + 1, event };
    this.events.push(numbered);
    this.#pendingCharacters += JSON.stringify(event).length;
    if (this.#pendingCharacters >= BATCH_CHARACTERS) void this.#flush();
    this.#wakeReaders();
  }

  #wakeReaders(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }

  /** Writes what is not yet in the event log, in batches and in order; calls queue behind each other. */
  #flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#writePending());
    return this.#flushing;
  }

  async #writePending(): Promise<void> {
    // What is pending now; events that arrive meanwhile wait for the next flush, so batches stay few.
    const target = this.events.length;
    while (this.#logLost === undefined && !this.#fenced) {
      const batch = this.#nextBatch(target);
      const finished = this.finished && this.#written + batch.length === this.events.length;
      if (batch.length === 0 && !(finished && this.#meta.status !== "finished")) return;
      this.#pendingCharacters = 0;
      if (!await this.#write(batch, finished)) return;
      if (this.#written >= target) return;
    }
  }

  /** The unwritten events, up to a batch's size. */
  #nextBatch(end: number): NumberedEvent[] {
    const batch: NumberedEvent[] = [];
    let characters = 0;
    for (let index = this.#written; index < end; index++) {
      const event = this.events[index];
      characters += JSON.stringify(event.event).length;
      if (batch.length > 0 && characters > BATCH_CHARACTERS) break;
      batch.push(event);
    }
    return batch;
  }

  /** Commits one batch, retrying with back-off; false when the event log is lost (and the answer ends). */
  async #write(batch: NumberedEvent[], finished: boolean): Promise<boolean> {
    const firstWait = this.#options.retryDelayMs ?? 100;
    for (let attempt = 1;; attempt++) {
      try {
        const written = await this.#options.eventLog.append(
          this.id,
          this.#meta,
          batch,
          finished,
          this.#versionstamp,
        );
        this.#meta = written.meta;
        this.#versionstamp = written.versionstamp;
        this.#written += batch.length;
        return true;
      } catch (error) {
        if (error instanceof FencedError) {
          this.#fenced = true;
          this.stop("abandoned");
          return false;
        }
        this.#options.onWriteFailed?.(error, attempt);
        if (attempt >= WRITE_ATTEMPTS) {
          this.#logLost = error;
          this.stop("abandoned");
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, firstWait * 2 ** (attempt - 1)));
      }
    }
  }

  /**
   * The periodic tick: write new events, and now and then see whether a Stop was asked on the answer
   * itself (the instance's mailbox, looked at every poll, is how a Stop usually comes: this catches
   * one asked while the answer changed instances).
   */
  async #tick(): Promise<void> {
    await this.#flush();
    const now = Date.now();
    if (this.finished || now - this.#stopLookedAt < STOP_LOOK_MS) return;
    this.#stopLookedAt = now;
    if (await this.#options.eventLog.stopRequested(this.id).catch(() => false)) this.stop();
  }

  #attach(): void {
    this.#readers++;
    clearTimeout(this.#timers.grace);
  }

  #detach(): void {
    this.#readers--;
    if (this.#readers === 0 && !this.finished) this.#startGrace();
  }

  /** With nobody reading, the answer goes on for a while (a reload, a dropped network), then stops. */
  #startGrace(): void {
    clearTimeout(this.#timers.grace);
    this.#timers.grace = setTimeout(async () => {
      if (this.#readers > 0 || this.finished) return;
      const heard = await this.#options.eventLog.lastHeartbeat(this.id).catch(() => undefined);
      if (heard !== undefined && Date.now() - heard < this.#options.graceMs) return this.#startGrace();
      this.stop("abandoned");
    }, this.#options.graceMs);
  }
}

/** Splits text into pieces of at most `size` UTF-16 units, never inside a surrogate pair. */
export function splitText(text: string, size: number): string[] {
  if (text.length <= size) return [text];
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + size, text.length);
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end--;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}
