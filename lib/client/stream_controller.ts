/**
 * The one streaming controller every view uses. It owns a request's lifecycle and exposes it as
 * signals: `text` grows as the answer streams (at most one update per `updateIntervalMs`, and
 * per animation frame), `status` and `failure` drive the indicator, Stop, Retry and errors.
 */
import { computed, signal } from "@preact/signals";
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
  /** How many times `text` changed during the last answer (for tests and benchmarks). */
  updates = 0;

  #options: StreamControllerOptions;
  #abort: AbortController | undefined;
  #last: StreamRequest | undefined;
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
    this.#flush();
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

  async #run(request: StreamRequest, stream: boolean): Promise<StreamStatus> {
    this.stop();
    const abort = new AbortController();
    this.#abort = abort;
    this.#pending = "";
    this.#cancelFlush();
    this.updates = 0;
    this.text.value = "";
    this.failure.value = null;
    this.status.value = "streaming";
    try {
      if (stream) await this.#stream(request, abort.signal);
      else await this.#complete(request, abort.signal);
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
    }
    return this.status.value;
  }

  async #stream(request: StreamRequest, signal: AbortSignal): Promise<void> {
    const fetcher = this.#options.fetch ?? fetch;
    const response = await fetcher(`/api/${request.feature}-stream`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify(request.body),
      signal,
    });
    if (!response.ok || !response.body) throw await requestFailure(response);
    for await (const event of readStreamEvents(response.body)) {
      if (event.type === "content") this.#append(event.chunk);
      else if (event.type === "error") throw { code: event.code ?? "upstream", message: event.error };
      else return;
    }
    // The connection ended without `done`: the answer is incomplete.
    throw { code: "network" } satisfies StreamFailure;
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
    const { content } = await response.json() as { content: string };
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
    this.updates++;
  }

  #cancelFlush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#timer = undefined;
    this.#frame = undefined;
  }
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
  if (error && typeof error === "object" && "code" in error) return error as StreamFailure;
  return { code: "network" };
}

/** True where the browser can read a response body as it arrives. */
export function browserCanStream(): boolean {
  return typeof ReadableStream !== "undefined" && typeof TextDecoder !== "undefined" &&
    typeof Response !== "undefined" && "body" in Response.prototype;
}
