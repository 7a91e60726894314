/**
 * This instance's view of an answer that runs elsewhere (another instance, or one that died):
 * one poll loop over its EventLog, shared by every reader here. It keeps the events it has
 * read (dense ids from 1, so readers index them), sends a heartbeat while anyone reads (the
 * owner then keeps the answer going), notices when the owner's lease has lapsed (it died) and has
 * the answer ended, and on shutdown tells its readers so, letting them reconnect elsewhere.
 */
import { errorEvent } from "../shared/contract.ts";
import type { NumberedEvent } from "../sse/relay.ts";
import { readDense } from "./dense_reader.ts";
import type { EventLog, StreamMeta } from "./event_log.ts";

export interface FollowerOptions {
  pollMs: number;
  /** Aborted on shutdown: readers are told, and the loop stops. */
  stopAll?: AbortSignal;
  /** Ends the answer for good: its instance died. */
  endOrphan(id: string): Promise<void>;
  /** Nobody reads any more: the follower can be dropped. */
  onIdle(): void;
}

/** A reader elsewhere tells the owner it is still there this often. */
const HEARTBEAT_MS = 2000;

/** Sent without an id: it is this instance's word, not part of the answer. */
const SHUTDOWN_EVENT: NumberedEvent = {
  id: 0,
  event: errorEvent("This server is restarting: reconnect to go on reading.", "shutdown"),
};

export class LogFollower {
  readonly events: NumberedEvent[] = [];
  /** Ended as an orphan: the id of its closing error (then done). */
  orphanErrorId: number | undefined;
  #ended = false;
  #interrupted = false;
  #readers = 0;
  #polling = false;
  #wake: Array<() => void> = [];

  constructor(
    readonly id: string,
    private readonly eventLog: EventLog,
    private readonly options: FollowerOptions,
  ) {
    options.stopAll?.addEventListener("abort", () => this.#interrupt(), { once: true });
  }

  get readers(): number {
    return this.#readers;
  }

  /** The answer from event `afterId` on, as this instance reads it from the event log. */
  read(afterId: number): ReadableStream<NumberedEvent> {
    this.#readers++;
    if (!this.#polling) void this.#poll();
    return readDense(
      {
        events: this.events,
        ending: () => (this.#interrupted ? SHUTDOWN_EVENT : this.#ended ? "end" : undefined),
        changed: () => new Promise<void>((resolve) => this.#wake.push(resolve)),
      },
      afterId,
      () => {
        if (--this.#readers === 0) this.options.onIdle();
      },
    );
  }

  async #poll(): Promise<void> {
    this.#polling = true;
    let lastBeat = 0;
    let lastProgress = Date.now();
    try {
      while (this.#readers > 0 && !this.#ended && !this.#interrupted) {
        const meta = await this.eventLog.meta(this.id);
        if (!meta) {
          this.#ended = true; // expired: a reconnect will hear 404
          break;
        }
        if (meta.lastId > this.events.length) {
          this.events.push(...await this.eventLog.eventsAfter(this.id, this.events.length));
          lastProgress = Date.now();
          this.#wakeReaders();
        }
        if (meta.status === "finished" && this.events.length >= meta.lastId) {
          if (meta.orphaned) this.orphanErrorId = meta.lastId - 1;
          this.#ended = true;
          break;
        }
        if (await this.#orphaned(meta, lastProgress)) {
          await this.options.endOrphan(this.id);
          lastProgress = Date.now();
          continue; // the closing events are in the eventLog now
        }
        if (Date.now() - lastBeat > HEARTBEAT_MS) {
          lastBeat = Date.now();
          await this.eventLog.heartbeat(this.id);
        }
        await this.#sleep(this.options.pollMs);
      }
    } catch {
      this.#ended = true; // KV failed: end the readers rather than leave them waiting
    } finally {
      this.#polling = false;
      this.#wakeReaders();
    }
  }

  /** With nothing new for a lease's length, whether the owner's lease has lapsed. */
  async #orphaned(meta: StreamMeta, lastProgress: number): Promise<boolean> {
    if (meta.status !== "running" || Date.now() - lastProgress < this.eventLog.leaseMs) return false;
    return !await this.eventLog.leaseAlive(this.id, meta);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #interrupt(): void {
    this.#interrupted = true;
    this.#wakeReaders();
  }

  #wakeReaders(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }
}
