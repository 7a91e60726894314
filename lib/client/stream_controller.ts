/**
 * The one streaming controller every view uses. It owns a request's lifecycle and exposes it as
 * signals: `text` grows as the answer streams (through a TextBatcher: at most one update per
 * `updateIntervalMs`, and per frame), `status` and `failure` drive the indicator, Stop, Retry
 * and errors. It talks to the server only through a Transport, and waits only on its Clock, so
 * it runs in unit tests with a fake fetch and a fake clock. It knows nothing of HTTP: the
 * transport hands it events, and failures as AnswerFailure.
 *
 * Every streamed request carries a fresh `request_id`, so the server runs the answer once
 * whatever happens to the connection: when it drops, the controller reconnects with the id of
 * the last event it has (showing `reconnecting`) as its ReconnectPolicy allows — for a window
 * that runs from the drop and fits the server's grace — and Stop asks the server to stop the model.
 */
import { computed, signal } from "@preact/signals";
import type { AnswerStats } from "../shared/contract.ts";
import { browserClock, type Clock } from "./clock.ts";
import { FIRST_WAIT_MS, ReconnectPolicy } from "./reconnect_policy.ts";
import type { ReceivedEvent } from "./sse_reader.ts";
import { TextBatcher } from "./text_batcher.ts";
import { AnswerFailure, httpTransport, type Transport } from "./transport.ts";

export type StreamStatus = "idle" | "streaming" | "done" | "stopped" | "error";

/** The failure shown: plain data (a signal's value), from an AnswerFailure. */
export interface StreamFailure {
  /** A code from the server's error event (`timeout`, `upstream`…), or `network`, `request`. */
  code: string;
  /** The server's message, shown for request errors. */
  message?: string;
  /** Seconds to wait before asking again, when the server said (a limit of Kabotan's own). */
  retryAfterSeconds?: number;
  /** The model server's own words about it, shown beside ours. */
  serverMessage?: string;
}

export interface StreamControllerOptions {
  /** Use the SSE endpoint; when false every request takes the non-streaming path. */
  streaming: boolean;
  updateIntervalMs: number;
  /** How long after a drop the controller keeps trying to get the answer back. */
  resumeWindowMs?: number;
  transport?: Transport;
  /** A fetch for the default transport. */
  fetch?: typeof fetch;
  clock?: Clock;
}

interface StreamRequest {
  feature: string;
  body: Record<string, unknown>;
}

/** Without word from the server, the page keeps trying this long (the server's default grace, less a margin). */
export const DEFAULT_RESUME_WINDOW_MS = 25_000;

export class StreamController {
  readonly text = signal("");
  readonly status = signal<StreamStatus>("idle");
  readonly failure = signal<StreamFailure | null>(null);
  readonly active = computed(() => this.status.value === "streaming");
  /** The connection dropped and the controller is getting it back. */
  readonly reconnecting = signal(false);
  /** How fast the last answer came: time to first text and tokens per second. */
  readonly stats = signal<AnswerStats | null>(null);
  /** A reasoning model's thinking before the answer (batched like `text`). */
  readonly reasoning = signal("");
  /** Why the model stopped, from `done`: `stop`, `length` (cut at the length limit), … */
  readonly finishReason = signal<string | null>(null);
  /** The turn the answer is kept under, from `done` (with a session): what Edit and versions name. */
  readonly turnId = signal<string | null>(null);
  /** When the thinking began and when the answer began (the clock's ms), for "Thinking… 12 s". */
  readonly thinkingSince = signal<number | null>(null);
  readonly answerSince = signal<number | null>(null);

  #options: StreamControllerOptions;
  #transport: Transport;
  #clock: Clock;
  #batcher: TextBatcher;
  #thinking: TextBatcher;
  #abort: AbortController | undefined;
  #last: StreamRequest | undefined;
  #answerId: string | undefined;

  constructor(options: StreamControllerOptions) {
    this.#options = options;
    this.#transport = options.transport ?? httpTransport(options.fetch);
    this.#clock = options.clock ?? browserClock;
    this.#batcher = new TextBatcher(
      (text) => (this.text.value += text),
      options.updateIntervalMs,
      this.#clock,
    );
    this.#thinking = new TextBatcher(
      (text) => (this.reasoning.value += text),
      options.updateIntervalMs,
      this.#clock,
    );
  }

  get streaming(): boolean {
    return this.#options.streaming;
  }

  /** Sends a request; resolves with how it ended. */
  run(
    feature: string,
    body: Record<string, unknown>,
    stream = this.#options.streaming,
  ): Promise<StreamStatus> {
    this.#last = { feature, body };
    return this.#run(this.#last, stream);
  }

  /** Whether there is a request to send again (not after re-attaching to another page's answer). */
  get canRetry(): boolean {
    return this.#last !== undefined;
  }

  /** Re-attaches to an answer this session started before a reload, from its first event. */
  resume(answerId: string): Promise<StreamStatus> {
    this.#last = undefined;
    return this.#start((signal) => this.#follow(answerId, signal, { resumeFrom: 0 }));
  }

  /** Sends the last request again, streaming. */
  retry(): Promise<StreamStatus> {
    return this.#last ? this.#run(this.#last, this.#options.streaming) : Promise.resolve(this.status.value);
  }

  /** Goes on with the last answer where it was cut (the length limit, or Stop): the server adds to it. */
  continueLast(): Promise<StreamStatus> {
    const last = this.#last;
    if (!last) return Promise.resolve(this.status.value);
    // It goes on with the answer it wrote (its turn, when `done` named it): not an edit or a regeneration again.
    const { edit: _edit, regenerate: _regenerate, turn_id: _turn, ...asked } = last.body;
    const turnId = this.turnId.value;
    const body = { ...asked, continue: true, ...(turnId ? { turn_id: turnId } : {}) };
    return this.#run({ ...last, body }, this.#options.streaming).finally(
      () => {
        this.#last = last; // Retry still means the original question
      },
    );
  }

  /** Sends the last request again through the non-streaming endpoint. */
  retryWithoutStreaming(): Promise<StreamStatus> {
    return this.#last ? this.#run(this.#last, false) : Promise.resolve(this.status.value);
  }

  /** Stops the answer at once, keeping the text so far; closing the request stops the model. */
  stop(): void {
    if (this.status.value !== "streaming") return;
    this.#abort?.abort();
    // The server would stop it after a grace period anyway; asking stops the model now.
    if (this.#answerId) this.#transport.stopStream(this.#answerId);
    this.#flushAll();
    this.reconnecting.value = false;
    this.status.value = "stopped";
  }

  /** Forgets the last answer. */
  reset(): void {
    this.stop();
    this.#clear();
    this.status.value = "idle";
  }

  /** Everything about the last answer, gone: the one place that knows what an answer's state is. */
  #clear(): void {
    this.#batcher.reset();
    this.#thinking.reset();
    this.text.value = "";
    this.reasoning.value = "";
    this.finishReason.value = null;
    this.turnId.value = null;
    this.thinkingSince.value = null;
    this.answerSince.value = null;
    this.failure.value = null;
    this.stats.value = null;
  }

  #run(request: StreamRequest, stream: boolean): Promise<StreamStatus> {
    return this.#start((
      signal,
    ) => (stream ? this.#stream(request, signal) : this.#complete(request, signal)));
  }

  async #start(body: (signal: AbortSignal) => Promise<void>): Promise<StreamStatus> {
    this.stop();
    this.#answerId = undefined;
    const abort = new AbortController();
    this.#abort = abort;
    this.#clear();
    this.status.value = "streaming";
    try {
      await body(abort.signal);
      if (abort.signal.aborted) return this.status.value;
      this.#flushAll();
      this.status.value = "done";
    } catch (error) {
      if (abort.signal.aborted) return this.status.value;
      this.#flushAll();
      this.failure.value = failureOf(error);
      this.status.value = "error";
    } finally {
      if (this.#abort === abort) this.#abort = undefined;
      this.reconnecting.value = false;
    }
    return this.status.value;
  }

  #stream(request: StreamRequest, signal: AbortSignal): Promise<void> {
    const answerId = crypto.randomUUID();
    return this.#follow(answerId, signal, {
      first: { ...request, body: { ...request.body, request_id: answerId } },
    });
  }

  /**
   * Reads an answer to its `done`: from the first request, or by resuming; after a dropped
   * connection, resumes after the last event received, for as long as the ReconnectPolicy allows.
   */
  async #follow(
    answerId: string,
    signal: AbortSignal,
    { first, resumeFrom }: { first?: StreamRequest; resumeFrom?: number },
  ): Promise<void> {
    this.#answerId = answerId;
    const policy = new ReconnectPolicy(
      this.#options.resumeWindowMs ?? DEFAULT_RESUME_WINDOW_MS,
      () => this.#clock.now(),
    );
    let lastEventId = resumeFrom ?? 0;
    let opening = first;
    /** The instance serving the stream said it is going away: the answer goes on elsewhere. */
    let movedOn = false;
    while (true) {
      let events: AsyncIterable<ReceivedEvent> | null | undefined;
      try {
        events = opening
          ? await this.#transport.startStream(opening.feature, opening.body, signal)
          : await this.#transport.resumeStream(answerId, lastEventId, signal);
      } catch (error) {
        // A stream that cannot be opened, or is refused, is an error to show; one that broke is resumed.
        if (signal.aborted || opening || !(error instanceof AnswerFailure && error.code === "network")) {
          throw error;
        }
      }
      opening = undefined;
      if (events === null) return; // finished, and we have it all
      if (events) {
        this.reconnecting.value = false;
        try {
          for await (const { id, event } of events) {
            policy.connected();
            if (id !== undefined) lastEventId = id;
            if (event.type === "content") {
              this.answerSince.value ??= this.#clock.now();
              this.#batcher.append(event.chunk);
            } else if (event.type === "reasoning") {
              this.thinkingSince.value ??= this.#clock.now();
              this.#thinking.append(event.chunk);
            } // An instance going away while it relays another's answer says so without an id:
            // the answer goes on there, so come back for it like after any drop.
            else if (event.type === "error" && event.code === "shutdown" && id === undefined) {
              movedOn = true;
              break;
            } else if (event.type === "error") {
              throw new AnswerFailure(event.code ?? "upstream", event.error, undefined, event.server_message);
            } else {
              this.stats.value = event.stats ?? null;
              this.finishReason.value = event.finish_reason ?? null;
              this.turnId.value = event.turn_id ?? null;
              return;
            }
          }
        } catch (error) {
          if (signal.aborted || error instanceof AnswerFailure) throw error;
        }
      }
      // The connection dropped before `done`: come back for the rest, while the policy allows. An
      // instance that said it is going away (its answer goes on elsewhere) is left at once, quietly:
      // that is no trouble to show.
      const wait = policy.nextWait();
      if (wait === undefined) throw new AnswerFailure("network");
      if (!movedOn || wait > FIRST_WAIT_MS) {
        this.reconnecting.value = true;
        await sleep(this.#clock, wait, signal);
      }
      movedOn = false;
    }
  }

  #flushAll(): void {
    this.#thinking.flush();
    this.#batcher.flush();
  }

  async #complete(request: StreamRequest, signal: AbortSignal): Promise<void> {
    const { content, reasoning, stats, finish_reason, turn_id } = await this.#transport.complete(
      request.feature,
      request.body,
      signal,
    );
    this.stats.value = stats ?? null;
    this.finishReason.value = finish_reason ?? null;
    this.turnId.value = turn_id ?? null;
    if (reasoning) this.#thinking.append(reasoning);
    this.#batcher.append(content);
  }
}

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    clock.setTimeout(resolve, ms);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** What the page shows of a failure: anything but an AnswerFailure is a lost connection. */
function failureOf(error: unknown): StreamFailure {
  if (!(error instanceof AnswerFailure)) return { code: "network" };
  return {
    code: error.code,
    ...(error.serverMessage !== undefined ? { message: error.serverMessage } : {}),
    ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    ...(error.modelServerSays !== undefined ? { serverMessage: error.modelServerSays } : {}),
  };
}

/** True where the browser can read a response body as it arrives. */
export function browserCanStream(): boolean {
  return typeof ReadableStream !== "undefined" && typeof TextDecoder !== "undefined" &&
    typeof Response !== "undefined" && "body" in Response.prototype;
}
