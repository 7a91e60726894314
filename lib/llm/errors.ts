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
  | "reasoning_budget"
  | "context_full";

/** A failure of the language model, with a message that is safe to show to anyone. */
export class LlmError extends Error {
  constructor(
    readonly code: LlmErrorCode,
    message: string,
    readonly detail?: string,
    readonly extra: {
      /** The model server's own short words about it, sanitised: shown beside ours. */
      serverMessage?: string;
      /** When the model server said to ask again (a 429's Retry-After). */
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = "LlmError";
  }

  get serverMessage(): string | undefined {
    return this.extra.serverMessage;
  }

  get retryAfterSeconds(): number | undefined {
    return this.extra.retryAfterSeconds;
  }
}

/** The conversation cannot fit the model's context, even trimmed: a new chat is the way on. */
export function contextFullError(detail?: string, serverMessage?: string): LlmError {
  return new LlmError(
    "context_full",
    "This conversation is too long for the model's memory: start a new chat.",
    detail,
    { serverMessage },
  );
}

/**
 * How llama.cpp (`exceed_context_size_error`), OpenAI (`context_length_exceeded`), vLLM ("This
 * model's maximum context length is …") and Ollama ("input length exceeds the context length")
 * say that a request does not fit the model's context.
 */
export function isContextOverflow(type: unknown, code: unknown, message: unknown): boolean {
  if (type === "exceed_context_size_error" || code === "context_length_exceeded") return true;
  return typeof message === "string" &&
    /exceeds? the available context|maximum context length|context length exceeded|exceeds the context (length|window|size)|context window (is )?(full|exceeded)|too many tokens|prompt is too long/i
      .test(message);
}

/**
 * The model server's own words, fit to show: one line of plain text, at most 160 characters, with
 * the key (and anything shaped like one) taken out.
 */
export function serverWords(raw: unknown, secret?: string): string | undefined {
  if (typeof raw !== "string") return undefined;
  let text = raw;
  if (secret && secret.length >= 8) text = text.replaceAll(secret, "[redacted]");
  text = text.replace(/\b(sk|key|tok)-[A-Za-z0-9_-]{8,}/g, "[redacted]")
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u001f\u007f<>]+/g, " ").replace(/\s+/g, " ").trim();
  if (!text) return undefined;
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
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
export function toLlmError(error: unknown, secret?: string): LlmError {
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
    const retryAfter = Number(error.headers?.get?.("retry-after"));
    return new LlmError(
      "rate_limited",
      "The language model is busy (rate limited). Try again in a moment.",
      error.message,
      { ...(retryAfter > 0 ? { retryAfterSeconds: Math.ceil(retryAfter) } : {}) },
    );
  }
  if (error instanceof OpenAI.APIError) {
    const body = (error.error ?? {}) as { message?: unknown; type?: unknown; code?: unknown };
    const said = serverWords(body.message ?? error.message, secret);
    if (isContextOverflow(body.type ?? error.type, body.code ?? error.code, body.message ?? error.message)) {
      return contextFullError(error.message, said);
    }
    const status = error.status ? ` (HTTP ${error.status})` : "";
    return new LlmError("upstream", `The language model reported an error${status}.`, error.message, {
      serverMessage: said,
    });
  }
  return new LlmError("upstream", "The language model failed.", String(error));
}

/** An error the model server reported inside a stream (or a JSON body): context overflow, or its words. */
export function reportedError(message: string, secret?: string, type?: unknown, code?: unknown): LlmError {
  const said = serverWords(message, secret);
  if (isContextOverflow(type, code, message)) return contextFullError(message, said);
  return new LlmError("upstream", "The language model reported an error.", message, { serverMessage: said });
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
