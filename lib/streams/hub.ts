/**
 * This instance's resumable answers. An answer started here is read from memory; one started by
 * another instance sharing the KV store is read from its EventLog by one LogFollower shared by
 * every reader here. An answer whose instance died (its lease lapsed) is ended for everyone, its
 * text kept.
 */
import { type AnswerEnd, type AnswerStats, doneEvent, errorEvent } from "../shared/contract.ts";
import { ApiError, tooMany } from "../http/api_error.ts";
import { RateLimiter } from "../http/rate_limit.ts";
import type { Delta } from "../llm/types.ts";
import type { DescribeError, NumberedEvent } from "../sse/relay.ts";
import type { SourceReader } from "../shared/source_reader.ts";
import { LogFollower } from "./follower.ts";
import { AnswerRun } from "./answer_run.ts";
import type { ActiveStream, EventLog, HandoverRecipe, StreamMeta } from "./event_log.ts";

export interface HubOptions {
  graceMs: number;
  pollMs: number;
  describeError: DescribeError;
  /** Told of each failed write to the event log (it is retried; the answer ends if it keeps failing). */
  onWriteFailed?: (error: unknown, attempt: number) => void;
  /** Aborted on shutdown: readers of answers that run elsewhere are told. */
  stopAll?: AbortSignal;
  /** Readers one answer may have on this instance (0: no cap). */
  maxReaders?: number;
  /** Reads of an answer from its first event, per session per minute (0: no limit). */
  replaysPerMinute?: number;
  /** Keeps what an orphaned answer had written (its text, marked incomplete). */
  onOrphaned?: (id: string, meta: StreamMeta, text: string) => Promise<void>;
}

/** How a launched answer may go on elsewhere, or what it goes on with. */
export interface LaunchOptions {
  stats?: () => AnswerStats | undefined;
  end?: () => AnswerEnd;
  /** How another instance can go on with it, should this one shut down first. */
  recipe?: () => Promise<HandoverRecipe | undefined>;
  /** Taken over from another instance: the events its readers already have, and nobody reads it here yet. */
  after?: NumberedEvent[];
}

const ORPHANED_MESSAGE = "The answer was cut off: the server writing it stopped. Ask again.";

export class StreamHub {
  readonly #local = new Map<string, AnswerRun>();
  readonly #followers = new Map<string, LogFollower>();
  readonly #replays: RateLimiter;
  #draining = false;
  #stops: ReturnType<typeof setInterval> | undefined;

  constructor(readonly eventLog: EventLog, private readonly options: HubOptions) {
    this.#replays = new RateLimiter(options.replaysPerMinute ?? 0);
  }

  async find(id: string): Promise<StreamMeta | undefined> {
    return this.#local.get(id)?.meta ?? await this.eventLog.meta(id);
  }

  /** Claims a new id; false when it is taken (then read the answer that holds it). */
  claim(id: string, meta: Omit<StreamMeta, "status" | "lastId" | "createdAt">): Promise<boolean> {
    return this.eventLog.create(id, meta);
  }

  /** Starts generating a claimed answer; it runs until done, stopped, or nobody reads it. */
  async launch(
    id: string,
    deltas: ReadableStream<Delta> | SourceReader<Delta>,
    { stats, end, recipe, after }: LaunchOptions = {},
  ): Promise<void> {
    const claimed = await this.eventLog.metaEntry(id);
    if (!claimed) throw new Error(`stream ${id} was not claimed`);
    const run = new AnswerRun(deltas, {
      id,
      meta: claimed.value,
      versionstamp: claimed.versionstamp,
      eventLog: this.eventLog,
      graceMs: this.options.graceMs,
      pollMs: this.options.pollMs,
      describeError: this.options.describeError,
      onWriteFailed: this.options.onWriteFailed,
      onFinished: () => {
        this.#local.delete(id);
        if (this.#local.size === 0) this.#stopLookingForStops();
      },
      stats,
      end,
      recipe,
      after,
    });
    this.#local.set(id, run);
    if (after) run.unattended();
    this.#stops ??= setInterval(() => void this.#lookForStops(), this.options.pollMs);
  }

  /** Stops asked of this instance's answers by other instances: one look for them all, every poll. */
  async #lookForStops(): Promise<void> {
    for (const id of await this.eventLog.stopsAsked().catch(() => [])) this.#local.get(id)?.stop();
  }

  #stopLookingForStops(): void {
    clearInterval(this.#stops);
    this.#stops = undefined;
  }

  /** Whether this instance is shutting down: it starts no answers, and takes up none. */
  get draining(): boolean {
    return this.#draining;
  }

  /** This instance is shutting down: it starts no new answers and takes up none (its own run on). */
  drain(): void {
    this.#draining = true;
  }

  /**
   * Hands every answer running here over to the other instances (this one is shutting down), and
   * leaves word of each on the KV queue. Answers how many went over; the others ended here.
   */
  async handOverAll(): Promise<number> {
    this.drain();
    const runs = [...this.#local.values()];
    const results = await Promise.all(runs.map((run) => run.handOver().catch(() => false)));
    const handed = runs.filter((_, i) => results[i]);
    await Promise.all(handed.map((run) => this.eventLog.announceHandover(run.id).catch(() => {})));
    return handed.length;
  }

  /**
   * Takes up answers other instances handed over: told by the KV queue (at once on Deno Deploy),
   * and by a look at the log every `everyMs` (a queue shared through a local file tells other
   * processes only now and then). `takeUp` goes on with one; only one instance wins each.
   */
  watchHandovers(takeUp: (id: string) => Promise<void>, everyMs: number): Disposable {
    const take = (id: string) => {
      if (!this.#draining && !this.#local.has(id)) void takeUp(id).catch(() => {});
    };
    this.eventLog.listenForHandovers(async (id) => {
      // Shutting down: the word goes back on the queue for another instance.
      if (this.#draining) await this.eventLog.announceHandover(id, 1000);
      else take(id);
    });
    const look = setInterval(async () => {
      if (this.#draining) return;
      for (const id of await this.eventLog.handedOver().catch(() => [])) take(id);
    }, everyMs);
    Deno.unrefTimer(look);
    return { [Symbol.dispose]: () => clearInterval(look) };
  }

  /** The answer's events after `afterId`: from memory when it runs here, else from the event log. */
  read(id: string, afterId: number): ReadableStream<NumberedEvent> {
    const local = this.#local.get(id);
    const follower = local ? undefined : this.#followers.get(id);
    const max = this.options.maxReaders ?? 0;
    if (max > 0 && (local?.readers ?? follower?.readers ?? 0) >= max) {
      throw new ApiError(429, "too many readers of this answer", { code: "too_many_requests" });
    }
    if (local) return local.read(afterId);
    const following = this.#follow(id);
    return following.read(afterId).pipeThrough(orphanEndingAfter(afterId, following));
  }

  /** A reader coming back for an answer that exists: reads from the start are limited per session. */
  reread(id: string, afterId: number, sessionId: string): ReadableStream<NumberedEvent> {
    if (afterId === 0) {
      const taken = this.#replays.take(sessionId);
      if (!taken.ok) {
        throw tooMany("replays", taken.retryAfterSeconds);
      }
    }
    return this.read(id, afterId);
  }

  /**
   * Stops an answer wherever it runs: here at once, elsewhere through the event log. Answers whether
   * there was anything to stop (an answer whose instance died is ended instead).
   */
  async stop(id: string): Promise<boolean> {
    const local = this.#local.get(id);
    if (local) {
      local.stop();
      return true;
    }
    const meta = await this.eventLog.meta(id);
    if (!await this.eventLog.leaseAlive(id, meta)) {
      await this.endOrphan(id);
      return false;
    }
    await this.eventLog.requestStop(id, meta);
    return true;
  }

  /** The answers of a session still being generated; those whose instance died are ended on the way. */
  async active(sessionId: string): Promise<ActiveStream[]> {
    const listed = await this.eventLog.active(sessionId);
    const alive: ActiveStream[] = [];
    for (const stream of listed) {
      if (this.#local.has(stream.answerId) || await this.eventLog.leaseAlive(stream.answerId)) {
        alive.push(stream);
      } else await this.endOrphan(stream.answerId);
    }
    return alive;
  }

  /** Ends an answer whose instance died: readers get an error then done, and its text is kept. */
  async endOrphan(id: string): Promise<void> {
    const ended = await this.eventLog.endOrphan(id, (lastId) => [
      {
        id: lastId + 1,
        event: errorEvent(ORPHANED_MESSAGE, "orphaned"),
      },
      { id: lastId + 2, event: doneEvent() },
    ]);
    if (!ended) return; // it was alive after all, or someone else ended it
    if (ended.saved) return; // its writer saved it to history before it died: that answer stands
    const logged = await this.eventLog.eventsAfter(id, 0);
    const text = logged.map(({ event }) => (event.type === "content" ? event.chunk : "")).join("");
    await this.options.onOrphaned?.(id, ended, text);
  }

  #follow(id: string): LogFollower {
    let follower = this.#followers.get(id);
    if (!follower) {
      follower = new LogFollower(id, this.eventLog, {
        pollMs: this.options.pollMs,
        stopAll: this.options.stopAll,
        endOrphan: (orphan) => this.endOrphan(orphan),
        onIdle: () => this.#followers.delete(id),
      });
      this.#followers.set(id, follower);
    }
    return follower;
  }
}

/**
 * An answer whose instance died may have sent a reader events it had not logged: their ids are
 * then those the log gave the orphan's closing events (an error, then done), and the reader would
 * skip the error, or both. Such a reader hears them all the same, numbered after what it has.
 */
function orphanEndingAfter(
  afterId: number,
  follower: LogFollower,
): TransformStream<NumberedEvent, NumberedEvent> {
  let last = afterId;
  let ended = false;
  const closing = (controller: TransformStreamDefaultController<NumberedEvent>) => {
    ended = true;
    controller.enqueue({ id: last + 1, event: errorEvent(ORPHANED_MESSAGE, "orphaned") });
    controller.enqueue({ id: last + 2, event: doneEvent() });
  };
  const skipped = () => follower.orphanErrorId !== undefined && afterId >= follower.orphanErrorId;
  return new TransformStream({
    transform(numbered, controller) {
      if (numbered.event.type === "done" && skipped()) return closing(controller);
      if (numbered.id > 0) last = numbered.id;
      if (numbered.event.type === "done") ended = true;
      controller.enqueue(numbered);
    },
    flush(controller) {
      if (!ended && skipped()) closing(controller);
    },
  });
}
