/**
 * The OpenAI chat-completions wire format, as a server writes it: the one helper behind the demo
 * model, the tests' scripted model server and the client's own JSON-as-stream fallback.
 */

/** What every chunk of one completion repeats. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

export interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

export const DONE_FRAME = "data: [DONE]\n\n";

/** One SSE `data:` frame of JSON. */
export function dataFrame(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** A `chat.completion.chunk` with one choice's delta (`{role}`, `{content}`, …) and its finish reason. */
export function chunkFrame(
  identity: CompletionIdentity,
  delta: Record<string, unknown>,
  finishReason: string | null = null,
): string {
  return dataFrame({
    ...identity,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
}

/** The chunk with no choices that carries usage (`stream_options.include_usage`). */
export function usageFrame(identity: CompletionIdentity, usage: WireUsage): string {
  return dataFrame({ ...identity, object: "chat.completion.chunk", choices: [], usage });
}

/** A whole non-streamed `chat.completion`. */
export function completionBody(
  identity: CompletionIdentity,
  message: Record<string, unknown>,
  finishReason = "stop",
  usage?: WireUsage,
): Record<string, unknown> {
  return {
    ...identity,
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finishReason }],
    ...(usage ? { usage } : {}),
  };
}
