/**
 * The one streaming controller every view uses. It owns a request's lifecycle and exposes it as
 * signals: `text` grows as the answer streams (at most one update per `updateIntervalMs`, and
 * per animation frame), `status` and `failure` drive the indicator, Stop, Retry and errors.
 *
 * Every streamed request carries a fresh `request_id`, so the server runs the answer once
 * whatever happens to the connection: when it drops, the controller reconnects with the id of
 * the last event it has (showing `reconnecting`), and Stop asks the server to stop the model.
 */
import { computed, signal } from "@preact/signals";
import type { AnswerStats } from "../metrics.ts";
import { readStreamEvents } from "./sse_reader.ts";

export type StreamStatus = "idle" | "streaming" | "done" | "stopped" | "error";

export interface StreamFailure {
  /** A code from the server's error event (`timeout`, `upstream`…), or `network`, `request`. */
  code: string;
  /** The server's message, shown for request errors. */
  message?: string;
}

export interface StreamControllerOptions {
  /** Use the SSE endpoint; when false every request takes the non-streaming path. */
  streaming: boolean;
  updateIntervalMs: number;
  fetch?: typeof fetch;
}

interface StreamRequest {
  feature: string;
  body: Record<string, unknown>;
}

export class StreamController {
  readonly text = signal("");
  readonly status = signal<StreamStatus>("idle");
  readonly failure = signal<StreamFailure | null>(null);
  readonly active = computed(() => this.status.value === "streaming");
  /** The connection dropped and the controller is getting it back. */
  readonly reconnecting = signal(false);
  /** How fast the last answer came: time to first text and tokens per second. */
  readonly stats = signal<AnswerStats | null>(null);

  #options: StreamControllerOptions;
  #abort: AbortController | undefined;
  #last: StreamRequest | undefined;
  #requestId: string | undefined;
  #pending = "";
  #lastFlush = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #frame: number | undefined;

  constructor(options: StreamControllerOptions) {
    this.#options = options;
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

  /** Sends the last request again through the non-streaming endpoint. */
  retryWithoutStreaming(): Promise<StreamStatus> {
    return this.#last ? this.#run(this.#last, false) : Promise.resolve(this.status.value);
  }

  /** Stops the answer at once, keeping the text so far; closing the request stops the model. */
  stop(): void {
    if (this.status.value !== "streaming") return;
    this.#abort?.abort();
    if (this.#requestId) {
      // The server would stop it after a grace period anyway; asking stops the model now.
      const fetcher = this.#options.fetch ?? fetch;
      void fetcher(`/api/streams/${this.#requestId}/stop`, { method: "POST", keepalive: true }).catch(
        () => {},
      );
    }
    this.#flush();
    this.reconnecting.value = false;
    this.status.value = "stopped";
  }

  /** Forgets the last answer. */
  reset(): void {
    this.stop();
    this.#cancelFlush();
    this.#pending = "";
    this.text.value = "";
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
    this.#pending = "";
    this.#cancelFlush();
    this.text.value = "";
    this.failure.value = null;
    this.stats.value = null;
    this.status.value = "streaming";
    try {
      await body(abort.signal);
      if (abort.signal.aborted) return this.status.value;
      this.#flush();
      this.status.value = "done";
    } catch (error) {
      if (abort.signal.aborted) return this.status.value;
      this.#flush();
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
   * connection, resumes after the last event received, backing off, for up to RECONNECT_FOR_MS.
   */
  async #follow(
    requestId: string,
    signal: AbortSignal,
    { first, resumeFrom }: { first?: StreamRequest; resumeFrom?: number },
  ): Promise<void> {
    const fetcher = this.#options.fetch ?? fetch;
    this.#requestId = requestId;
    let lastEventId = resumeFrom ?? 0;
    let attempt = 0;
    const giveUpAt = Date.now() + RECONNECT_FOR_MS;
    while (true) {
      let response: Response | undefined;
      try {
        response = first && attempt === 0
          ? await fetcher(`/api/${first.feature}-stream`, {
            method: "POST",
            headers: { "content-type": "application/json", accept: "text/event-stream" },
            body: JSON.stringify(first.body),
            signal,
          })
          : await fetcher(`/api/streams/${requestId}`, {
            headers: { accept: "text/event-stream", "last-event-id": String(lastEventId) },
            signal,
          });
      } catch (error) {
        if (signal.aborted) throw error;
        // A stream that cannot be opened at all is an error to show; one that broke is resumed.
        if (attempt === 0) throw { code: "network" } satisfies StreamFailure;
      }
      if (response) {
        if (response.status === 204) return; // finished, and we have it all
        if (!response.ok || !response.body) {
          // A request refused outright is an error; a stream that has gone away cannot come back.
          throw await requestFailure(response);
        }
        this.reconnecting.value = false;
        try {
          for await (const { id, event } of readStreamEvents(response.body)) {
            if (id !== undefined) lastEventId = id;
            if (event.type === "content") this.#append(event.chunk);
            else if (event.type === "error") throw { code: event.code ?? "upstream", message: event.error };
            else {
              this.stats.value = event.stats ?? null;
              return;
            }
          }
        } catch (error) {
          if (signal.aborted || isFailure(error)) throw error;
        }
      }
      // The connection dropped before `done`: come back for the rest.
      if (Date.now() > giveUpAt) throw { code: "network" } satisfies StreamFailure;
      this.reconnecting.value = true;
      await sleep(Math.min(250 * 2 ** attempt++, 2000), signal);
    }
  }

  async #complete(request: StreamRequest, signal: AbortSignal): Promise<void> {
    const fetcher = this.#options.fetch ?? fetch;
    const response = await fetcher(`/api/${request.feature}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(request.body),
      signal,
    });
    if (!response.ok) throw await requestFailure(response);
    const { content, stats } = await response.json() as { content: string; stats?: AnswerStats };
    this.stats.value = stats ?? null;
    this.#append(content);
  }

  #append(chunk: string): void {
    this.#pending += chunk;
    if (this.#timer !== undefined || this.#frame !== undefined) return;
    // Leading edge: the first text shows on the next frame; later ones wait out the interval.
    const wait = Math.max(0, this.#lastFlush + this.#options.updateIntervalMs - performance.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#frame = requestAnimationFrame(() => {
        this.#frame = undefined;
        this.#flush();
      });
    }, wait);
  }

  #flush(): void {
    this.#cancelFlush();
    if (!this.#pending) return;
    this.text.value += this.#pending;
    this.#pending = "";
    this.#lastFlush = performance.now();
  }

  #cancelFlush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#timer = undefined;
    this.#frame = undefined;
  }
}

/** How long a dropped stream is retried: within the server's grace period for readerless answers. */
const RECONNECT_FOR_MS = 25_000;

function isFailure(error: unknown): error is StreamFailure {
  return typeof error === "object" && error !== null && "code" in error;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

async function requestFailure(response: Response): Promise<StreamFailure> {
  let message: string | undefined;
  try {
    message = (await response.json() as { error?: string }).error;
  } catch {
    // not a JSON error body
  }
  if (response.status === 429) return { code: "rate_limited", message };
  if (response.status >= 400 && response.status < 500) return { code: "request", message };
  const code = (() => {
    if (response.status === 504) return "timeout";
    if (response.status === 503) return "rate_limited";
    return "upstream";
  })();
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
