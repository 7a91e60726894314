import OpenAI from "openai";

export type LlmErrorCode =
  | "unreachable"
  | "auth"
  | "rate_limited"
  | "upstream"
  | "bad_response"
  | "truncated"
  | "timeout"
  | "stalled"
  | "shutdown"
  | "reasoning_budget";

/** A failure of the language model, with a message that is safe to show to anyone. */
export class LlmError extends Error {
  constructor(
    readonly code: LlmErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "LlmError";
  }
}

export function timeoutError(ms: number): LlmError {
  return new LlmError("timeout", `The answer took longer than ${ms / 1000} s and was ended.`);
}

export function stalledError(ms: number): LlmError {
  return new LlmError("stalled", `The language model sent nothing for ${ms / 1000} s.`);
}

export function shutdownError(): LlmError {
  return new LlmError("shutdown", "The server is restarting: ask again in a moment.");
}

export function truncatedError(detail?: string): LlmError {
  return new LlmError(
    "truncated",
    "The connection to the language model closed before the answer was finished.",
    detail,
  );
}

/**
 * Maps anything thrown while talking to the upstream to an LlmError. Upstream error texts can
 * echo request details (even part of a key), so they go to `detail` for the log, not the message.
 */
export function toLlmError(error: unknown): LlmError {
  if (error instanceof LlmError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new LlmError("unreachable", "The language model did not answer in time.", String(error));
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new LlmError("unreachable", "The language model could not be reached.", causeText(error));
  }
  if (error instanceof OpenAI.AuthenticationError || error instanceof OpenAI.PermissionDeniedError) {
    return new LlmError(
      "auth",
      "The language model refused the API key: check OPENAI_API_KEY.",
      error.message,
    );
  }
  if (error instanceof OpenAI.RateLimitError) {
    return new LlmError(
      "rate_limited",
      "The language model is busy (rate limited). Try again in a moment.",
      error.message,
    );
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status ? ` (HTTP ${error.status})` : "";
    return new LlmError("upstream", `The language model reported an error${status}.`, error.message);
  }
  return new LlmError("upstream", "The language model failed.", String(error));
}

function causeText(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause ? `${error.message}: ${String(cause)}` : error.message;
}

/** The model thought until its length budget ran out and wrote no answer. */
export function reasoningBudgetError(settings: { maxTokens: number; maxTokensVariable?: string }): LlmError {
  const setting = settings.maxTokensVariable ?? "the answer's length budget";
  return new LlmError(
    "reasoning_budget",
    `The model spent its whole length budget (${settings.maxTokens} tokens) thinking and wrote no answer: raise ${setting}.`,
  );
}
