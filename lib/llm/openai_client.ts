import OpenAI from "openai";
import { createParser } from "eventsource-parser";
import { parseUpstreamChunk, type UpstreamChunk } from "./chunk_parser.ts";
import {
  LlmError,
  reasoningBudgetError,
  stalledError,
  timeoutError,
  toLlmError,
  truncatedError,
} from "./errors.ts";
import type { Completion, Delta, GenerationRequest, LlmClient, Usage } from "./types.ts";
import { REDACTED, redactorFor } from "./redact.ts";
import { chunkFrame, DONE_FRAME } from "./wire.ts";
import { ThinkSplitter } from "./think_tags.ts";
import type { ModelChoice } from "./model_choice.ts";

export interface OpenAiClientOptions {
  provider: "openai" | "demo";
  baseURL?: string;
  apiKey?: string;
  /** The model to name: configured, or the server's own (see model_choice.ts). */
  model: ModelChoice;
  /** Whole-answer limit. */
  timeoutMs: number;
  /** Longest silence from the upstream while streaming. */
  idleTimeoutMs: number;
  /** Deltas read together are joined up to this many characters. */
  bufferSize: number;
  /** Replaces the network: the demo model and socket-free tests plug in here. */
  fetch?: typeof fetch;
  /** Send GenerationHints upstream (only the demo model reads them). */
  sendHints?: boolean;
  log?: (level: "debug" | "warn", message: string, fields?: Record<string, unknown>) => void;
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
  const log = options.log ?? (() => {});

  function requestHeaders(request: GenerationRequest): Record<string, string> | undefined {
    if (!options.sendHints || !request.hints) return undefined;
    return { "x-kabotan-hints": encodeURIComponent(JSON.stringify(request.hints)) };
  }

  function stream(request: GenerationRequest): ReadableStream<Delta> {
    const abort = new AbortController();
    const deadline = setTimeout(() => abort.abort(timeoutError(options.timeoutMs)), options.timeoutMs);
    const followCaller = () => abort.abort(request.signal?.reason);
    request.signal?.addEventListener("abort", followCaller, { once: true });
    let released = false;
    function release(reason?: unknown) {
      if (released) return;
      released = true;
      clearTimeout(deadline);
      request.signal?.removeEventListener("abort", followCaller);
      if (!abort.signal.aborted) abort.abort(reason);
      void body?.cancel();
    }

    let body: ReturnType<typeof watchedReads> | undefined;
    // Keep U+FEFF wherever it falls: the SSE parser strips a leading BOM itself, and a streaming
    // decoder must not drop one that starts a later network chunk.
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    const parsed: UpstreamChunk[] = [];
    const parser = createParser({ onEvent: (event) => parsed.push(parseUpstreamChunk(event.data)) });
    let finishReason: string | undefined;
    let usage: Usage | undefined;
    let sawDoneMarker = false;
    // A model can write the key it was called with (an echoing proxy, a prompt injection).
    const redactors = { content: redactorFor(options.apiKey), reasoning: redactorFor(options.apiKey) };
    // Thinking left inline as <think>…</think> by servers without a reasoning parser.
    const inlineThinking = new ThinkSplitter();
    /** Whether any answer text (not thinking) came: a `length` finish without it means thinking took all. */
    let sawAnswer = false;
    let sawThinking = false;
    /** A failure found while parsing, raised once the text before it has been taken. */
    let failure: LlmError | undefined;

    async function openBody(): Promise<ReadableStreamDefaultReader<Uint8Array>> {
      const response = await sdk.chat.completions.create(
        {
          model: await options.model.name(),
          messages: request.messages,
          temperature: request.settings.temperature,
          max_tokens: request.settings.maxTokens,
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal: abort.signal, headers: requestHeaders(request) },
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

    /**
     * Takes the thinking and text of every event parsed so far, each run of one kind joined into
     * pieces of at most bufferSize, with the key redacted. An upstream error is kept in `failure`
     * rather than thrown, so that text before it is delivered first (erroring a stream discards
     * what is still queued in it).
     */
    function takeDeltas(): Delta[] {
      const pieces: Delta[] = [];
      const add = (kind: Delta["kind"], raw: string) => {
        const text = redactors[kind] ? redactors[kind].push(raw) : raw;
        if (!text) return;
        if (kind === "content" && text.trim()) sawAnswer = true;
        if (kind === "reasoning") sawThinking = true;
        const last = pieces.at(-1);
        if (last?.kind === kind && last.text.length + text.length <= options.bufferSize) last.text += text;
        else pieces.push({ kind, text });
      };
      for (const chunk of parsed.splice(0)) {
        if (failure) break;
        if (chunk.kind === "done") {
          sawDoneMarker = true;
        } else if (chunk.kind === "error") {
          failure = new LlmError("upstream", "The language model reported an error.", chunk.message);
        } else if (chunk.kind === "malformed") {
          log("warn", "skipped a malformed upstream chunk", { data: chunk.data });
        } else {
          finishReason = chunk.finishReason ?? finishReason;
          usage = chunk.usage ?? usage;
          if (chunk.reasoning) add("reasoning", chunk.reasoning);
          if (!chunk.text) continue;
          const split = inlineThinking.push(chunk.text);
          if (split.reasoning) add("reasoning", split.reasoning);
          if (split.content) add("content", split.content);
        }
      }
      return pieces;
    }

    function finished(controller: ReadableStreamDefaultController<Delta>) {
      const held = inlineThinking.end();
      for (const kind of ["reasoning", "content"] as const) {
        const tail = (redactors[kind] ? redactors[kind].push(held[kind]) : held[kind]) +
          (redactors[kind]?.end() ?? "");
        if (tail) controller.enqueue({ kind, text: tail });
        if (kind === "content" && tail.trim()) sawAnswer = true;
      }
      // Cut at the length limit before a word of the answer: the thinking used the whole budget.
      if (finishReason === "length" && !sawAnswer && sawThinking) {
        throw reasoningBudgetError(request.settings);
      }
      release("finished");
      request.onFinish?.({ finishReason: finishReason ?? "stop", usage });
      controller.close();
    }

    // The request goes out at once, while the caller sets up its response, not at the first read.
    const opening = openBody();
    opening.catch(() => {}); // raised by the first read
    return new ReadableStream<Delta>({
      async pull(controller) {
        try {
          if (failure) throw failure;
          body ??= watchedReads(await opening, options.idleTimeoutMs, abort.signal);
          while (true) {
            const { done, value } = await body.read();
            if (done) {
              parser.feed(decoder.decode());
              parser.reset({ consume: true });
            } else {
              parser.feed(decoder.decode(value, { stream: true }));
            }
            const pieces = takeDeltas();
            for (const piece of pieces) controller.enqueue(piece);
            const sent = pieces.length;
            if (!failure && sawDoneMarker) return finished(controller);
            // A stream that stops without [DONE] or a finish_reason is a truncated answer.
            if (!failure && done && finishReason === undefined) failure = truncatedError();
            if (!failure && done) return finished(controller);
            if (sent > 0) return;
            if (failure) throw failure;
          }
        } catch (error) {
          if (released) return; // cancelled by the consumer: nobody is reading
          const reason = abort.signal.reason;
          const cause = reason instanceof LlmError ? reason : error;
          if (cause instanceof LlmError && cause.code === "stalled" && finishReason !== undefined) {
            return finished(controller);
          }
          // Once the body is open, a broken connection means the answer was cut short.
          let failed: LlmError;
          if (cause instanceof LlmError) failed = cause;
          else failed = body ? truncatedError(String(cause)) : toLlmError(cause);
          // Refused before a word: perhaps the model changed on the server; ask it again next time.
          if (!body) options.model.forget();
          release(failed);
          log("warn", "upstream stream failed", { code: failed.code, detail: failed.detail });
          controller.error(failed);
        }
      },
      cancel(reason) {
        release(reason ?? "cancelled");
      },
    }, { highWaterMark: 0 });
  }

  async function complete(request: GenerationRequest): Promise<Completion> {
    const abort = new AbortController();
    const deadline = setTimeout(() => abort.abort(timeoutError(options.timeoutMs)), options.timeoutMs);
    const followCaller = () => abort.abort(request.signal?.reason);
    request.signal?.addEventListener("abort", followCaller, { once: true });
    try {
      const completion = await sdk.chat.completions.create(
        {
          model: await options.model.name(),
          messages: request.messages,
          temperature: request.settings.temperature,
          max_tokens: request.settings.maxTokens,
        },
        { signal: abort.signal, headers: requestHeaders(request), timeout: options.timeoutMs },
      );
      const choice = completion.choices?.[0];
      const message = choice?.message as
        | { content?: unknown; reasoning_content?: unknown; reasoning?: unknown }
        | undefined;
      const written = message?.content ?? (choice ? "" : undefined);
      if (typeof written !== "string") {
        throw new LlmError("bad_response", "The language model sent an answer without text.");
      }
      const thought = message?.reasoning_content ?? message?.reasoning;
      const inline = new ThinkSplitter();
      const split = inline.push(written);
      const rest = inline.end();
      const redact = (text: string) =>
        options.apiKey && options.apiKey.length >= 8 ? text.replaceAll(options.apiKey, REDACTED) : text;
      const content = redact(split.content + rest.content);
      const reasoning = redact(
        (typeof thought === "string" ? thought : "") + split.reasoning + rest.reasoning,
      );
      const finishReason = choice?.finish_reason ?? "stop";
      if (finishReason === "length" && !content.trim() && reasoning) {
        throw reasoningBudgetError(request.settings);
      }
      if (!content && !reasoning && !choice) {
        throw new LlmError("bad_response", "The language model sent an answer without text.");
      }
      const usage = completion.usage
        ? {
          promptTokens: completion.usage.prompt_tokens,
          completionTokens: completion.usage.completion_tokens,
        }
        : undefined;
      request.onFinish?.({ finishReason, usage });
      return { content, reasoning, finishReason };
    } catch (error) {
      const reason = abort.signal.reason;
      const failure = reason instanceof LlmError ? reason : toLlmError(error);
      options.model.forget();
      log("warn", "upstream completion failed", { code: failure.code, detail: failure.detail });
      throw failure;
    } finally {
      clearTimeout(deadline);
      request.signal?.removeEventListener("abort", followCaller);
    }
  }

  return {
    provider: options.provider,
    get model() {
      return options.model.known() ?? "";
    },
    resolveModel: () => options.model.name(),
    stream,
    complete,
  };
}

/**
 * A server that ignores `stream: true` and answers with one JSON completion: its text becomes a
 * one-event stream, so nothing is lost and the same parsing path runs.
 */
async function completionAsEvents(response: Response): Promise<ReadableStream<Uint8Array>> {
  let body: {
    choices?: Array<{
      message?: { content?: unknown; reasoning_content?: unknown; reasoning?: unknown };
      finish_reason?: unknown;
    }>;
    error?: unknown;
  };
  try {
    body = await response.json();
  } catch {
    throw new LlmError("bad_response", "The language model sent an unreadable answer.");
  }
  if (body?.error) {
    throw new LlmError("upstream", "The language model reported an error.", JSON.stringify(body.error));
  }
  const choice = body?.choices?.[0];
  const text = choice?.message?.content;
  if (typeof text !== "string") {
    throw new LlmError("bad_response", "The language model sent an answer without text.");
  }
  const thought = choice?.message?.reasoning_content ?? choice?.message?.reasoning;
  const finish = typeof choice?.finish_reason === "string" ? choice.finish_reason : "stop";
  const identity = { id: "json", created: 0, model: "json" };
  const delta = typeof thought === "string" && thought
    ? { reasoning_content: thought, content: text }
    : { content: text };
  const frames = chunkFrame(identity, delta, finish) + DONE_FRAME;
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
