import type { Usage } from "./types.ts";

/** What one upstream SSE `data:` payload of a chat completion stream means. */
export type UpstreamChunk =
  | { kind: "done" }
  | { kind: "delta"; text: string; reasoning: string; finishReason?: string; usage?: Usage }
  | { kind: "error"; message: string; type?: unknown; code?: unknown }
  | { kind: "malformed"; data: string };

interface RawChunk {
  choices?: Array<{
    delta?: { content?: unknown; reasoning_content?: unknown; reasoning?: unknown };
    finish_reason?: unknown;
  }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
  error?: unknown;
}

/**
 * Interprets one `data:` payload. Role-only deltas, `content: null`, tool-call deltas, empty
 * `choices` and the usage chunk come back as a delta with empty text; a reasoning model's
 * thinking (`reasoning_content` from llama.cpp, vLLM and DeepSeek; `reasoning` from OpenRouter and
 * newer vLLM) is `reasoning`; an `error` object inside a 200 stream is an error.
 */
export function parseUpstreamChunk(data: string): UpstreamChunk {
  const trimmed = data.trim();
  if (trimmed === "[DONE]") return { kind: "done" };
  let raw: RawChunk;
  try {
    raw = JSON.parse(trimmed);
  } catch {
    return { kind: "malformed", data: trimmed.slice(0, 200) };
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return { kind: "malformed", data: trimmed.slice(0, 200) };
  }
  if (raw.error !== undefined && raw.error !== null) return errorOf(raw.error);
  const choice = Array.isArray(raw.choices) ? raw.choices[0] : undefined;
  const content = choice?.delta?.content;
  const thinking = choice?.delta?.reasoning_content ?? choice?.delta?.reasoning;
  const finish = choice?.finish_reason;
  return {
    kind: "delta",
    text: typeof content === "string" ? content : "",
    reasoning: typeof thinking === "string" ? thinking : "",
    finishReason: typeof finish === "string" && finish ? finish : undefined,
    usage: usageOf(raw.usage),
  };
}

/** An `error` object (or string) as a server sends it: its message, and its type and code when it has them. */
function errorOf(error: unknown): { kind: "error"; message: string; type?: unknown; code?: unknown } {
  const fields = error && typeof error === "object" ? error as { type?: unknown; code?: unknown } : {};
  return {
    kind: "error",
    message: errorMessage(error),
    ...(fields.type !== undefined ? { type: fields.type } : {}),
    ...(fields.code !== undefined ? { code: fields.code } : {}),
  };
}

function errorMessage(error: unknown): string {
  if (typeof error === "string") return error;
  if (error && typeof error === "object" && "message" in error) {
    return String((error as { message: unknown }).message);
  }
  return JSON.stringify(error);
}

function usageOf(usage: RawChunk["usage"]): Usage | undefined {
  if (!usage || typeof usage !== "object") return undefined;
  const promptTokens = typeof usage.prompt_tokens === "number" ? usage.prompt_tokens : undefined;
  const completionTokens = typeof usage.completion_tokens === "number" ? usage.completion_tokens : undefined;
  if (promptTokens === undefined && completionTokens === undefined) return undefined;
  return { promptTokens, completionTokens };
}

/** A whole (non-streamed) completion's first choice: its text, its thinking and why it ended. */
export type CompletionMessage =
  | { kind: "message"; text: string; reasoning: string; finishReason: string }
  | { kind: "error"; message: string; type?: unknown; code?: unknown }
  | { kind: "no_text" };

/**
 * Reads a `chat.completion` body, as the SDK returns it or as a server that ignored
 * `stream: true` sent it. A choice without text (`content: null`) is an empty answer; a body with
 * no choice at all, or whose text is not a string, has no text.
 */
export function parseCompletion(body: unknown): CompletionMessage {
  const raw = body as {
    choices?: Array<
      {
        message?: { content?: unknown; reasoning_content?: unknown; reasoning?: unknown };
        finish_reason?: unknown;
      }
    >;
    error?: unknown;
  } | null;
  if (raw?.error !== undefined && raw?.error !== null) {
    return { kind: "error", message: errorMessage(raw.error) };
  }
  const choice = Array.isArray(raw?.choices) ? raw.choices[0] : undefined;
  if (!choice) return { kind: "no_text" };
  const text = choice.message?.content ?? "";
  if (typeof text !== "string") return { kind: "no_text" };
  const thought = choice.message?.reasoning_content ?? choice.message?.reasoning;
  return {
    kind: "message",
    text,
    reasoning: typeof thought === "string" ? thought : "",
    finishReason: typeof choice.finish_reason === "string" && choice.finish_reason
      ? choice.finish_reason
      : "stop",
  };
}
