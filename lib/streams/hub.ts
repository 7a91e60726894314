/**
 * This instance's resumable answers. An answer started here is read from memory; one started by
 * another instance sharing the KV store is read from its StreamLog, polling for new batches.
 */
import type { AnswerStats } from "../metrics.ts";
import type { DescribeError, NumberedEvent } from "../sse/relay.ts";
import { Generation } from "./generation.ts";
import type { StreamLog, StreamMeta } from "./stream_log.ts";

export interface HubOptions {
  graceMs: number;
  pollMs: number;
  describeError: DescribeError;
  /** Told of each failed write to the log (it is retried; the answer ends if it keeps failing). */
  onWriteFailed?: (error: unknown, attempt: number) => void;
}

/** A reader elsewhere tells the owner it is still there this often. */
const HEARTBEAT_MS = 2000;

export class StreamHub {
  readonly #local = new Map<string, Generation>();

  constructor(readonly log: StreamLog, private readonly options: HubOptions) {}

  async find(id: string): Promise<StreamMeta | undefined> {
    return this.#local.get(id)?.meta ?? await this.log.meta(id);
  }

  /** Claims a new id; false when it is taken (then read the answer that holds it). */
  claim(id: string, meta: Omit<StreamMeta, "status" | "lastId" | "createdAt">): Promise<boolean> {
    return this.log.create(id, meta);
  }

  /** Starts generating a claimed answer; it runs until done, stopped, or nobody reads it. */
  async launch(
    id: string,
    deltas: ReadableStream<string>,
    stats?: () => AnswerStats | undefined,
  ): Promise<void> {
    const meta = await this.log.meta(id);
    if (!meta) throw new Error(`stream ${id} was not claimed`);
    const generation = new Generation(deltas, {
      id,
      meta,
      log: this.log,
      graceMs: this.options.graceMs,
      pollMs: this.options.pollMs,
      describeError: this.options.describeError,
      onWriteFailed: this.options.onWriteFailed,
      onFinished: () => this.#local.delete(id),
      stats,
    });
    this.#local.set(id, generation);
  }

  /** The answer's events after `afterId`: from memory when it runs here, else from the log. */
  read(id: string, afterId: number): ReadableStream<NumberedEvent> {
    return this.#local.get(id)?.read(afterId) ?? this.#readLog(id, afterId);
  }

  /** Stops an answer wherever it runs: here at once, elsewhere through the log. */
  async stop(id: string): Promise<void> {
    const local = this.#local.get(id);
    if (local) return local.stop();
    await this.log.requestStop(id);
  }

  #readLog(id: string, afterId: number): ReadableStream<NumberedEvent> {
    const { log, options } = this;
    let cursor = afterId;
    let buffered: NumberedEvent[] = [];
    let lastBeat = 0;
    let cancelled = false;
    return new ReadableStream<NumberedEvent>({
      async pull(controller) {
        while (!cancelled) {
          const next = buffered.shift();
          if (next) {
            cursor = next.id;
            controller.enqueue(next);
            return;
          }
          const meta = await log.meta(id);
          if (!meta) return controller.close(); // expired: the reader's reconnect will hear 404
          if (meta.lastId > cursor) {
            buffered = await log.eventsAfter(id, cursor);
            continue;
          }
          if (meta.status === "finished") return controller.close();
          if (Date.now() - lastBeat > HEARTBEAT_MS) {
            lastBeat = Date.now();
            await log.heartbeat(id);
          }
          await new Promise((resolve) => setTimeout(resolve, options.pollMs));
        }
      },
      cancel() {
        cancelled = true;
      },
    }, { highWaterMark: 0 });
  }
}
