/**
 * The one streaming controller every view uses. It owns a request's lifecycle and exposes it as
 * signals: `text` grows as the answer streams (through a TextBatcher: at most one update per
 * `updateIntervalMs`, and per frame), `status` and `failure` drive the indicator, Stop, Retry
 * and errors. It talks to the server only through a Transport, and waits only on its Clock, so
 * it runs in unit tests with a fake fetch and a fake clock.
 *
 * Every streamed request carries a fresh `request_id`, so the server runs the answer once
 * whatever happens to the connection: when it drops, the controller reconnects with the id of
 * the last event it has (showing `reconnecting`) as its ReconnectPolicy allows — for a window
 * that runs from the drop and fits the server's grace — and Stop asks the server to stop the model.
 */
import { computed, signal } from "@preact/signals";
import { type AnswerStats, codeOfHttpStatus } from "../shared/contract.ts";
import { browserClock, type Clock } from "./clock.ts";
import { ReconnectPolicy } from "./reconnect_policy.ts";
import { readStreamEvents } from "./sse_reader.ts";
import { TextBatcher } from "./text_batcher.ts";
import { httpTransport, type Transport } from "./transport.ts";

export type StreamStatus = "idle" | "streaming" | "done" | "stopped" | "error";

export interface StreamFailure {
  /** A code from the server's error event (`timeout`, `upstream`…), or `network`, `request`. */
  code: string;
  /** The server's message, shown for request errors. */
  message?: string;
  /** Seconds to wait before asking again, when the server said (a limit of Kabotan's own). */
  retryAfterSeconds?: number;
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
  #requestId: string | undefined;

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
  resume(requestId: string): Promise<StreamStatus> {
    this.#last = undefined;
    return this.#start((signal) => this.#follow(requestId, signal, { resumeFrom: 0 }));
  }

  /** Sends the last request again, streaming. */
  retry(): Promise<StreamStatus> {
    return this.#last ? this.#run(this.#last, this.#options.streaming) : Promise.resolve(this.status.value);
  }

  /** Goes on with the last answer where it was cut (the length limit, or Stop): the server adds to it. */
  continueLast(): Promise<StreamStatus> {
    const last = this.#last;
    if (!last) return Promise.resolve(this.status.value);
    return this.#run({ ...last, body: { ...last.body, continue: true } }, this.#options.streaming).finally(
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
    if (this.#requestId) this.#transport.stopStream(this.#requestId);
    this.#flushAll();
    this.reconnecting.value = false;
    this.status.value = "stopped";
  }

  /** Forgets the last answer. */
  reset(): void {
    this.stop();
    this.#batcher.reset();
    this.#thinking.reset();
    this.text.value = "";
    this.reasoning.value = "";
    this.finishReason.value = null;
    this.thinkingSince.value = null;
    this.answerSince.value = null;
    this.failure.value = null;
    this.status.value = "idle";
  }

  #run(request: StreamRequest, stream: boolean): Promise<StreamStatus> {
    return this.#start((
      signal,
    ) => (stream ? this.#stream(request, signal) : this.#complete(request, signal)));
  }

  async #start(body: (signal: AbortSignal) => Promise<void>): Promise<StreamStatus> {
    this.stop();
    this.#requestId = undefined;
    const abort = new AbortController();
    this.#abort = abort;
    this.#batcher.reset();
    this.#thinking.reset();
    this.text.value = "";
    this.reasoning.value = "";
    this.finishReason.value = null;
    this.thinkingSince.value = null;
    this.answerSince.value = null;
    this.failure.value = null;
    this.stats.value = null;
    this.status.value = "streaming";
    try {
      await body(abort.signal);
      if (abort.signal.aborted) return this.status.value;
      this.#flushAll();
      this.status.value = "done";
    } catch (error) {
      if (abort.signal.aborted) return this.status.value;
      this.#flushAll();
      this.failure.value = toFailure(error);
      this.status.value = "error";
    } finally {
      if (this.#abort === abort) this.#abort = undefined;
      this.reconnecting.value = false;
    }
    return this.status.value;
  }

  #stream(request: StreamRequest, signal: AbortSignal): Promise<void> {
    const requestId = crypto.randomUUID();
    return this.#follow(requestId, signal, {
      first: { ...request, body: { ...request.body, request_id: requestId } },
    });
  }

  /**
   * Reads an answer to its `done`: from the first request, or by resuming; after a dropped
   * connection, resumes after the last event received, for as long as the ReconnectPolicy allows.
   */
  async #follow(
    requestId: string,
    signal: AbortSignal,
    { first, resumeFrom }: { first?: StreamRequest; resumeFrom?: number },
  ): Promise<void> {
    this.#requestId = requestId;
    const policy = new ReconnectPolicy(
      this.#options.resumeWindowMs ?? DEFAULT_RESUME_WINDOW_MS,
      () => this.#clock.now(),
    );
    let lastEventId = resumeFrom ?? 0;
    let opening = first;
    while (true) {
      let response: Response | undefined;
      try {
        response = opening
          ? await this.#transport.startStream(opening.feature, opening.body, signal)
          : await this.#transport.resumeStream(requestId, lastEventId, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        // A stream that cannot be opened at all is an error to show; one that broke is resumed.
        if (opening) throw { code: "network" } satisfies StreamFailure;
      }
      opening = undefined;
      if (response) {
        if (response.status === 204) return; // finished, and we have it all
        if (!response.ok || !response.body) {
          // A request refused outright is an error; a stream that has gone away cannot come back.
          throw await requestFailure(response);
        }
        this.reconnecting.value = false;
        try {
          for await (const { id, event } of readStreamEvents(response.body)) {
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
            else if (event.type === "error" && event.code === "shutdown" && id === undefined) break;
            else if (event.type === "error") throw { code: event.code ?? "upstream", message: event.error };
            else {
              this.stats.value = event.stats ?? null;
              this.finishReason.value = event.finish_reason ?? null;
              return;
            }
          }
        } catch (error) {
          if (signal.aborted || isFailure(error)) throw error;
        }
      }
      // The connection dropped before `done`: come back for the rest, while the policy allows.
      const wait = policy.nextWait();
      if (wait === undefined) throw { code: "network" } satisfies StreamFailure;
      this.reconnecting.value = true;
      await sleep(this.#clock, wait, signal);
    }
  }

  #flushAll(): void {
    this.#thinking.flush();
    this.#batcher.flush();
  }

  async #complete(request: StreamRequest, signal: AbortSignal): Promise<void> {
    const response = await this.#transport.complete(request.feature, request.body, signal);
    if (!response.ok) throw await requestFailure(response);
    const { content, reasoning, stats, finish_reason } = await response.json() as {
      content: string;
      reasoning?: string;
      stats?: AnswerStats;
      finish_reason?: string;
    };
    this.stats.value = stats ?? null;
    this.finishReason.value = finish_reason ?? null;
    if (reasoning) this.#thinking.append(reasoning);
    this.#batcher.append(content);
  }
}

function isFailure(error: unknown): error is StreamFailure {
  return typeof error === "object" && error !== null && "code" in error;
}

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    clock.setTimeout(resolve, ms);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

async function requestFailure(response: Response): Promise<StreamFailure> {
  let message: string | undefined;
  try {
    message = (await response.json() as { error?: string }).error;
  } catch {
    // not a JSON error body
  }
  const code = codeOfHttpStatus(response.status);
  if (code === "too_many_requests") {
    const retryAfter = Number(response.headers.get("retry-after"));
    return { code, message, ...(retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}) };
  }
  return { code, message };
}

function toFailure(error: unknown): StreamFailure {
  return isFailure(error) ? error : { code: "network" };
}

/** True where the browser can read a response body as it arrives. */
export function browserCanStream(): boolean {
  return typeof ReadableStream !== "undefined" && typeof TextDecoder !== "undefined" &&
    typeof Response !== "undefined" && "body" in Response.prototype;
}
