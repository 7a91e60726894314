import OpenAI from "openai";
import { createParser } from "eventsource-parser";
import { parseCompletion, parseUpstreamChunk, type UpstreamChunk } from "./chunk_parser.ts";
import { CallScope } from "./call_scope.ts";
import { DeltaAssembler } from "./delta_assembler.ts";
import { LlmError, reportedError, stalledError, toLlmError, truncatedError } from "./errors.ts";
import type { Completion, Delta, LlmClient, ModelRequest, ModelStream } from "./types.ts";
import { chunkFrame, DONE_FRAME } from "./wire.ts";
import type { ModelChoice } from "./model_choice.ts";
import { type ContextWindow, fixedWindow } from "./context_window.ts";

export interface OpenAiClientOptions {
  provider: "openai" | "demo";
  /** What the model server is called, for the page and the logs. */
  server?: string;
  baseURL?: string;
  apiKey?: string;
  /** The model to name: configured, or the server's own (see model_choice.ts). */
  model: ModelChoice;
  /** The model's context window and token counts (see context_window.ts). */
  window?: ContextWindow;
  /** Whole-answer limit. */
  timeoutMs: number;
  /** Longest silence from the upstream while streaming. */
  idleTimeoutMs: number;
  /** Deltas read together are joined up to this many characters. */
  bufferSize: number;
  /** Replaces the network: the demo model and socket-free tests plug in here. */
  fetch?: typeof fetch;
  /** Send DemoHints upstream (only the demo model reads them). */
  sendHints?: boolean;
  logger?: (level: "debug" | "warn", message: string, fields?: Record<string, unknown>) => void;
  /** Told of every request to the model server, retries included: its status and latency. */
  onAttempt?: (status: number | "error", ms: number) => void;
}

/** Attempts before the first token: the SDK retries connection errors, 408, 409, 429 and 5xx. */
const ATTEMPTS = 3;

export function createOpenAiClient(options: OpenAiClientOptions): LlmClient {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const countingFetch: typeof fetch = async (input, init) => {
    const started = performance.now();
    try {
      const response = await baseFetch(input, init);
      options.onAttempt?.(response.status, performance.now() - started);
      return response;
    } catch (error) {
      options.onAttempt?.("error", performance.now() - started);
      throw error;
    }
  };
  const sdk = new OpenAI({
    baseURL: options.baseURL ?? "https://api.openai.com/v1",
    // The SDK insists on a key; local servers (llama.cpp, vLLM, Ollama) ignore it.
    apiKey: options.apiKey ?? "no-key",
    maxRetries: ATTEMPTS - 1,
    timeout: Math.min(options.timeoutMs, options.idleTimeoutMs),
    fetch: countingFetch,
    logLevel: "off",
  });
  const logger = options.logger ?? (() => {});

  function requestHeaders(request: ModelRequest): Record<string, string> | undefined {
    if (!options.sendHints || !request.hints) return undefined;
    return { "x-kabotan-hints": encodeURIComponent(JSON.stringify(request.hints)) };
  }

  /** Sends the request for a streamed answer; resolves to the body's reader once the server answered. */
  async function openBody(
    request: ModelRequest,
    signal: AbortSignal,
  ): Promise<ReadableStreamDefaultReader<Uint8Array>> {
    const response = await sdk.chat.completions.create(
      {
        model: await options.model.name(),
        messages: request.messages,
        temperature: request.settings.temperature,
        max_tokens: request.settings.maxTokens,
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal, headers: requestHeaders(request) },
    ).asResponse();
    if (!response.body) throw new LlmError("bad_response", "The language model sent no body.");
    const type = response.headers.get("content-type") ?? "";
    if (type.includes("application/json")) return (await completionAsEvents(response)).getReader();
    if (type && !type.includes("text/event-stream")) {
      void response.body.cancel().catch(() => {});
      throw new LlmError(
        "bad_response",
        "The language model did not answer with a stream.",
        `content-type ${type}`,
      );
    }
    return response.body.getReader();
  }

  const assemblerFor = () =>
    new DeltaAssembler({
      // A model can write the key it was called with (an echoing proxy, a prompt injection).
      secret: options.apiKey,
      bufferSize: options.bufferSize,
      onMalformed: (data) => logger("warn", "skipped a malformed upstream chunk", { data }),
    });

  /**
   * The answer as it comes, in stages: the request (sent at once, while the caller sets up its
   * response) → reads watched for stalls → the SSE parser → the DeltaAssembler → deltas, pulled
   * one network read at a time. A stream that stops without `[DONE]` or a finish reason is a
   * truncated answer.
   */
  function stream(request: ModelRequest): ModelStream {
    const scope = new CallScope(options.timeoutMs, request.signal);
    const opening = openBody(request, scope.signal);
    opening.catch(() => {}); // raised by the first read
    let body: ReturnType<typeof watchedReads> | undefined;
    // Keep U+FEFF wherever it falls: the SSE parser strips a leading BOM itself, and a streaming
    // decoder must not drop one that starts a later network chunk.
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    const parsed: UpstreamChunk[] = [];
    const parser = createParser({ onEvent: (event) => parsed.push(parseUpstreamChunk(event.data)) });
    const assembler = assemblerFor();
    const release = (reason: unknown) => {
      scope.release(reason);
      void body?.cancel();
    };

    /** The answer ended well: what was held back goes out, then the stream closes. */
    function finish(controller: ReadableStreamDefaultController<Delta>): void {
      for (const piece of assembler.end(request.settings)) controller.enqueue(piece);
      if (assembler.failure) throw assembler.failure;
      release("finished");
      request.onFinish?.({ finishReason: assembler.finishReason ?? "stop", usage: assembler.usage });
      controller.close();
    }

    /** Why the stream failed, as the reader should hear it. */
    function failureOf(error: unknown): LlmError {
      const reason = scope.signal.reason;
      const cause = reason instanceof LlmError ? reason : error;
      if (cause instanceof LlmError) return cause;
      // Once the body is open, a broken connection means the answer was cut short.
      return body ? truncatedError(String(cause)) : toLlmError(cause, options.apiKey);
    }

    const deltas = new ReadableStream<Delta>({
      async pull(controller) {
        try {
          if (assembler.failure) throw assembler.failure;
          body ??= watchedReads(await opening, options.idleTimeoutMs, scope.signal);
          while (true) {
            const { done, value } = await body.read();
            parser.feed(done ? decoder.decode() : decoder.decode(value, { stream: true }));
            if (done) parser.reset({ consume: true });
            const pieces = assembler.take(parsed.splice(0));
            for (const piece of pieces) controller.enqueue(piece);
            if (
              !assembler.failure && done && !assembler.sawDoneMarker && assembler.finishReason === undefined
            ) {
              assembler.failure = truncatedError();
            }
            if (!assembler.failure && (assembler.sawDoneMarker || done)) return finish(controller);
            // Text before a failure goes out first: the failure is raised by the next read.
            if (pieces.length > 0) return;
            if (assembler.failure) throw assembler.failure;
          }
        } catch (error) {
          if (scope.released) return; // cancelled by the consumer: nobody is reading
          const failed = failureOf(error);
          // Silent after its finish reason: the answer is whole, the server just kept the line open.
          if (failed.code === "stalled" && assembler.finishReason !== undefined) return finish(controller);
          // Refused before a word: perhaps the model changed on the server; ask it again next time.
          if (!body) options.model.forget();
          release(failed);
          logger("warn", "upstream stream failed", { code: failed.code, detail: failed.detail });
          controller.error(failed);
        }
      },
      cancel(reason) {
        release(reason ?? "cancelled");
      },
    }, { highWaterMark: 0 });
    // Refused before a word: the same failure the first read raises, said before anything is sent.
    const accepted = opening.then(() => undefined, (error) => {
      const failed = failureOf(error);
      // Refused before a word: perhaps the model changed on the server; ask it again next time.
      options.model.forget();
      logger("warn", "upstream refused the request", { code: failed.code, detail: failed.detail });
      throw failed;
    });
    accepted.catch(() => {}); // whoever does not wait for it hears of it from the first read
    return Object.assign(deltas, { accepted });
  }

  /** The whole answer from one non-streamed call, through the same assembler as a stream. */
  async function complete(request: ModelRequest): Promise<Completion> {
    using scope = new CallScope(options.timeoutMs, request.signal);
    try {
      const completion = await sdk.chat.completions.create(
        {
          model: await options.model.name(),
          messages: request.messages,
          temperature: request.settings.temperature,
          max_tokens: request.settings.maxTokens,
        },
        { signal: scope.signal, headers: requestHeaders(request), timeout: options.timeoutMs },
      );
      const message = parseCompletion(completion);
      if (message.kind === "error") {
        throw reportedError(message.message, options.apiKey, message.type, message.code);
      }
      if (message.kind === "no_text") {
        throw new LlmError("bad_response", "The language model sent an answer without text.");
      }
      const assembler = assemblerFor();
      const { text, reasoning, finishReason } = message;
      const pieces = assembler.take([{ kind: "delta", text, reasoning, finishReason }]);
      pieces.push(...assembler.end(request.settings));
      if (assembler.failure) throw assembler.failure;
      const joined = (kind: Delta["kind"]) =>
        pieces.filter((p) => p.kind === kind).map((p) => p.text).join("");
      const usage = completion.usage
        ? {
          promptTokens: completion.usage.prompt_tokens,
          completionTokens: completion.usage.completion_tokens,
        }
        : undefined;
      request.onFinish?.({ finishReason: message.finishReason, usage });
      return {
        content: joined("content"),
        reasoning: joined("reasoning"),
        finishReason: message.finishReason,
      };
    } catch (error) {
      const reason = scope.signal.reason;
      const failure = reason instanceof LlmError ? reason : toLlmError(error, options.apiKey);
      options.model.forget();
      logger("warn", "upstream completion failed", { code: failure.code, detail: failure.detail });
      throw failure;
    }
  }

  return {
    provider: options.provider,
    server: options.server,
    baseURL: options.provider === "demo" ? undefined : options.baseURL ?? "https://api.openai.com/v1",
    get model() {
      return options.model.known() ?? "";
    },
    resolveModel: () => options.model.name(),
    window: options.window ?? fixedWindow(undefined),
    stream,
    complete,
  };
}

/**
 * A server that ignores `stream: true` and answers with one JSON completion: its text becomes a
 * one-event stream, so nothing is lost and the same parsing path runs.
 */
async function completionAsEvents(response: Response): Promise<ReadableStream<Uint8Array>> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new LlmError("bad_response", "The language model sent an unreadable answer.");
  }
  const message = parseCompletion(body);
  if (message.kind === "error") throw reportedError(message.message, undefined, message.type, message.code);
  if (message.kind === "no_text") {
    throw new LlmError("bad_response", "The language model sent an answer without text.");
  }
  const identity = { id: "json", created: 0, model: "json" };
  const delta = message.reasoning
    ? { reasoning_content: message.reasoning, content: message.text }
    : { content: message.text };
  const frames = chunkFrame(identity, delta, message.finishReason) + DONE_FRAME;
  return ReadableStream.from([new TextEncoder().encode(frames)]);
}

/**
 * Reads that fail with `stalled` after `ms` of silence, or at once when `abort` fires. One timer
 * serves the whole stream (re-armed only when it fires early), so a fast stream pays nothing per
 * read for its watchdog. An interruption cancels the reader, which settles a pending read, and
 * the read then raises the cause: nothing outlives a read, so each chunk is free once it is used
 * (racing every read against one long-lived promise kept every chunk alive until the end).
 */
export function watchedReads(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  ms: number,
  abort: AbortSignal,
): { read(): Promise<ReadableStreamReadResult<Uint8Array>>; cancel(): Promise<void> } {
  // Date.now() (no call into the runtime, per read): milliseconds are plenty for a watchdog.
  let lastProgress = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let interruption: { cause: unknown } | undefined;
  // A function, so that the type checker does not assume an await leaves it unchanged.
  const interrupted = () => interruption;
  const interrupt = (cause: unknown) => {
    if (interruption) return;
    interruption = { cause };
    clearTimeout(timer);
    void reader.cancel(cause).catch(() => {});
  };
  const arm = (wait: number) => {
    timer = setTimeout(() => {
      const quiet = Date.now() - lastProgress;
      if (quiet >= ms) interrupt(stalledError(ms));
      else arm(ms - quiet);
    }, wait);
  };
  const onAbort = () => interrupt(abort.reason);
  if (abort.aborted) onAbort();
  else {
    abort.addEventListener("abort", onAbort, { once: true });
    arm(ms);
  }
  return {
    async read() {
      if (interrupted()) throw interrupted()!.cause;
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        if (interrupted()) throw interrupted()!.cause;
        void reader.cancel().catch(() => {});
        throw error;
      }
      if (interrupted()) throw interrupted()!.cause;
      lastProgress = Date.now();
      return result;
    },
    cancel() {
      clearTimeout(timer);
      abort.removeEventListener("abort", onAbort);
      return reader.cancel().catch(() => {});
    },
  };
}
