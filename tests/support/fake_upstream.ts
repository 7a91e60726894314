/**
 * A scripted OpenAI-compatible server on loopback for tests. Each request to
 * `/v1/chat/completions` is answered by a script chosen by the test: normal, slow, erroring,
 * dropping, stalling or malformed. It records every request and when the client went away.
 */

import { chunkFrame, completionBody, dataFrame, DONE_FRAME, usageFrame } from "../../lib/llm/wire.ts";

export interface UpstreamScript {
  /** HTTP status; anything but 200 answers `body` (or an OpenAI error object) and stops. */
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** The text deltas to stream. */
  chunks?: string[];
  /**
   * Exact SSE text to send instead, one network read each (a real server's own chunk shapes);
   * the stream then ends.
   */
  frames?: string[];
  /** Delay before the response's head itself (a server slow to take the request). */
  headDelayMs?: number;
  /** Delay before the first chunk and between chunks. */
  firstDelayMs?: number;
  delayMs?: number;
  /** Send a role-only chunk first, as OpenAI does. */
  roleChunk?: boolean;
  /** After this many chunks: `close` ends the body cleanly without [DONE]; `error` breaks it. */
  dropAfter?: number;
  dropMode?: "close" | "error";
  /** After this many chunks, send `{"error": …}` inside the 200 stream. */
  errorAfter?: number;
  /** After this many chunks, send nothing more and keep the connection open. */
  stallAfter?: number;
  /** Raw SSE frames inserted before the chunk at that index. */
  rawBefore?: Record<number, string>;
  /** Send the finish_reason chunk, a usage chunk and [DONE] at the end (default true). */
  finish?: boolean;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export interface RecordedRequest {
  body: {
    model?: string;
    messages?: Array<{ role: string; content: string }>;
    stream?: boolean;
    [k: string]: unknown;
  };
  headers: Headers;
  at: number;
}

export interface RecordedClose {
  /** Index of the request whose connection closed. */
  request: number;
  at: number;
}

type ScriptFor = (request: RecordedRequest, index: number) => UpstreamScript;

export class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  readonly closes: RecordedClose[] = [];
  /** Requests whose response is still being written. */
  open = 0;
  /** What `GET /v1/models` lists, and how often it was asked. */
  models = ["fake-model"];
  modelsRequests = 0;
  /** Delay before answering `GET /v1/models`. */
  modelsDelayMs = 0;
  script: ScriptFor = () => ({ chunks: ["Hello", " from", " the", " fake", " upstream."] });
  #server: Deno.HttpServer<Deno.NetAddr>;
  #closeWaiters: Array<() => void> = [];

  constructor() {
    this.#server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => this.#handle(req));
  }

  get baseURL(): string {
    return `http://127.0.0.1:${this.#server.addr.port}/v1`;
  }

  /** Uses one script for every request from now on, or one per request in order (the last repeats). */
  use(...scripts: UpstreamScript[]): void {
    const from = this.requests.length;
    this.script = (_, index) => scripts[Math.min(index - from, scripts.length - 1)];
  }

  /** Resolves when some response's connection has been closed by the client. */
  nextClose(): Promise<void> {
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.#server.shutdown();
  }

  async #handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (req.method === "GET" && url.pathname === "/v1/models") {
      this.modelsRequests++;
      await sleep(this.modelsDelayMs);
      return Response.json({ object: "list", data: this.models.map((id) => ({ id, object: "model" })) });
    }
    if (req.method !== "POST" || url.pathname !== "/v1/chat/completions") {
      return Response.json({ error: { message: "not found" } }, { status: 404 });
    }
    const recorded: RecordedRequest = { body: await req.json(), headers: req.headers, at: performance.now() };
    const index = this.requests.push(recorded) - 1;
    const script = this.script(recorded, index);
    await sleep(script.headDelayMs ?? 0, req.signal).catch(() => {});
    const status = script.status ?? 200;
    if (status !== 200 || script.body !== undefined) {
      const body = script.body ??
        JSON.stringify({ error: { message: `scripted ${status}`, type: "server_error" } });
      return new Response(body, {
        status,
        headers: { "content-type": script.body ? "text/plain" : "application/json", ...script.headers },
      });
    }
    if (!recorded.body.stream) {
      await sleep(script.firstDelayMs ?? 0);
      const identity = { id: "fake", created: 0, model: recorded.body.model ?? "fake" };
      return Response.json(
        completionBody(identity, { content: (script.chunks ?? []).join("") }, "stop", script.usage),
      );
    }
    return new Response(this.#stream(script, index, req.signal), {
      headers: { "content-type": "text/event-stream", ...script.headers },
    });
  }

  #stream(script: UpstreamScript, index: number, signal: AbortSignal): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    const identity = { id: "fake", created: 0, model: "fake" };
    const frame = (payload: unknown) => encoder.encode(dataFrame(payload));
    const chunk = (delta: Record<string, string>, finish: string | null = null) =>
      encoder.encode(chunkFrame(identity, delta, finish));
    const chunks = script.chunks ?? [];
    let sent = 0;
    let started = false;
    let closed = false;
    this.open++;
    const markClosed = () => {
      if (closed) return;
      closed = true;
      this.open--;
      this.closes.push({ request: index, at: performance.now() });
      for (const wake of this.#closeWaiters.splice(0)) wake();
    };
    const finishedNormally = () => {
      if (closed) return;
      closed = true;
      this.open--;
    };
    signal.addEventListener("abort", markClosed, { once: true });

    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (closed) return;
        if (script.frames) {
          await sleep(started ? script.delayMs ?? 0 : script.firstDelayMs ?? 0, signal);
          started = true;
          if (sent < script.frames.length) controller.enqueue(encoder.encode(script.frames[sent++]));
          else {
            finishedNormally();
            controller.close();
          }
          return;
        }
        if (!started) {
          started = true;
          if (script.roleChunk !== false) controller.enqueue(chunk({ role: "assistant" }));
          await sleep(script.firstDelayMs ?? 0, signal);
        } else {
          await sleep(script.delayMs ?? 0, signal);
        }
        if (closed) return;
        if (script.stallAfter !== undefined && sent >= script.stallAfter) {
          await new Promise<void>((resolve) =>
            signal.addEventListener("abort", () => resolve(), { once: true })
          );
          return;
        }
        if (script.dropAfter !== undefined && sent >= script.dropAfter) {
          finishedNormally();
          if (script.dropMode === "error") controller.error(new Error("scripted drop"));
          else controller.close();
          return;
        }
        if (script.errorAfter !== undefined && sent >= script.errorAfter) {
          controller.enqueue(
            frame({ error: { message: "scripted error inside the stream", type: "server_error" } }),
          );
          finishedNormally();
          controller.close();
          return;
        }
        const raw = script.rawBefore?.[sent];
        if (raw !== undefined) controller.enqueue(encoder.encode(raw));
        if (sent < chunks.length) {
          controller.enqueue(chunk({ content: chunks[sent++] }));
          return;
        }
        if (script.finish !== false) {
          controller.enqueue(chunk({}, "stop"));
          if (script.usage) {
            controller.enqueue(encoder.encode(usageFrame(identity, script.usage)));
          }
          controller.enqueue(encoder.encode(DONE_FRAME));
        }
        finishedNormally();
        controller.close();
      },
      cancel: () => markClosed(),
    }, { highWaterMark: 0 });
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
