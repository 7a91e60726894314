/**
 * How much a model can take in at once, and how much a text takes of it. The window is what the
 * operator said (`CONTEXT_TOKENS`), else what the model server says — llama.cpp's `/props`
 * (`n_ctx`), vLLM's `/v1/models` (`max_model_len`), Ollama's `/api/show` (`num_ctx`, else its
 * default of 2,048) — else OpenAI's published windows; unknown, nothing is trimmed. Texts are
 * counted by the server's own tokenizer where it offers one (llama.cpp's `/tokenize`), else
 * estimated on the safe side (three characters a token in Latin script, one a token elsewhere).
 */
import type { ModelEntry } from "./model_choice.ts";

export interface ContextWindow {
  /** The model's context in tokens, when it can be known. */
  tokens(model: string): Promise<number | undefined>;
  /** How many tokens a message's text takes (its chat-template overhead included). */
  count(text: string): Promise<number>;
  /** A request failed for its size: ask the server again next time. */
  forget(): void;
}

/** What one message costs beyond its text in a chat template (role markers, separators). */
export const MESSAGE_OVERHEAD = 8;

/** OpenAI's published context windows, by model name prefix (the longest that matches wins). */
const OPENAI_WINDOWS: Array<[string, number]> = [
  ["gpt-4.1", 1_047_576],
  ["gpt-4o", 128_000],
  ["gpt-4-turbo", 128_000],
  ["gpt-4", 8_192],
  ["gpt-3.5-turbo", 16_385],
  ["o1", 200_000],
  ["o3", 200_000],
  ["o4", 200_000],
  ["gpt-5", 400_000],
];

/** Ollama's context when a model sets none (its documented default). */
const OLLAMA_DEFAULT_CONTEXT = 2048;

export function estimateTokens(text: string): number {
  let latin = 0;
  let other = 0;
  for (const char of text) {
    if (char.charCodeAt(0) < 0x0250) latin++;
    else other++;
  }
  return Math.ceil(latin / 3) + other;
}

/** A window known beforehand: the operator's, or none (nothing is trimmed). */
export function fixedWindow(tokens: number | undefined): ContextWindow {
  return {
    tokens: () => Promise.resolve(tokens),
    count: (text) => Promise.resolve(estimateTokens(text) + MESSAGE_OVERHEAD),
    forget() {},
  };
}

export function openAiWindow(): ContextWindow {
  return {
    tokens(model) {
      const match = OPENAI_WINDOWS.filter(([prefix]) => model.startsWith(prefix))
        .sort((a, b) => b[0].length - a[0].length)[0];
      return Promise.resolve(match?.[1]);
    },
    count: (text) => Promise.resolve(estimateTokens(text) + MESSAGE_OVERHEAD),
    forget() {},
  };
}

/**
 * A server of one's own (llama.cpp, vLLM, Ollama, LM Studio): asked once for its window (again
 * after a request failed for its size), and, when it has a tokenizer endpoint, for token counts
 * (remembered per text: a conversation's earlier messages are counted once).
 */
export function serverWindow(
  { baseURL, apiKey, fetch: fetcher = fetch, listing }: {
    baseURL: string;
    apiKey?: string;
    fetch?: typeof fetch;
    /** The `/models` listing the model choice already read (it is not asked twice). */
    listing?: () => Promise<ModelEntry[] | undefined>;
  },
): ContextWindow {
  const origin = new URL(baseURL).origin;
  const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  let known: Promise<number | undefined> | undefined;
  let tokenizer: boolean | undefined;
  const counted = new Map<string, number>();

  const getJson = async (url: string, init: RequestInit = {}): Promise<unknown> => {
    try {
      const response = await fetcher(url, {
        ...init,
        headers: { ...headers, ...init.headers },
        signal: AbortSignal.timeout(3000),
      });
      if (!response.ok) {
        await response.body?.cancel();
        return undefined;
      }
      return await response.json();
    } catch {
      return undefined;
    }
  };

  async function ask(model: string): Promise<number | undefined> {
    // llama.cpp: the context it was started with.
    const props = await getJson(`${origin}/props`) as
      | { default_generation_settings?: { n_ctx?: unknown }; n_ctx?: unknown }
      | undefined;
    const llama = props?.default_generation_settings?.n_ctx ?? props?.n_ctx;
    if (typeof llama === "number" && llama > 0) return llama;
    // vLLM (and llama.cpp's own listing, whose meta gives the training context).
    const entries = listing
      ? await listing()
      : (await getJson(`${baseURL}/models`) as { data?: ModelEntry[] } | undefined)?.data;
    const entry = entries?.find((m) => m.id === model) ?? entries?.[0];
    for (const value of [entry?.max_model_len, entry?.meta?.n_ctx, entry?.meta?.n_ctx_train]) {
      if (typeof value === "number" && value > 0) return value;
    }
    // Ollama: the model's num_ctx, else Ollama's default (what it runs with, whatever the model could).
    const shown = await getJson(`${origin}/api/show`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, name: model }),
    }) as { parameters?: unknown; model_info?: Record<string, unknown> } | undefined;
    if (shown) {
      const numCtx = typeof shown.parameters === "string"
        ? Number(shown.parameters.match(/num_ctx\s+(\d+)/)?.[1])
        : NaN;
      return numCtx > 0 ? numCtx : OLLAMA_DEFAULT_CONTEXT;
    }
    return undefined;
  }

  async function tokenize(text: string): Promise<number | undefined> {
    if (tokenizer === false) return undefined;
    const result = await getJson(`${origin}/tokenize`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ content: text }),
    }) as { tokens?: unknown[] } | undefined;
    if (!Array.isArray(result?.tokens)) {
      tokenizer = false;
      return undefined;
    }
    tokenizer = true;
    return result.tokens.length;
  }

  return {
    tokens(model) {
      known ??= ask(model);
      return known;
    },
    async count(text) {
      const cached = counted.get(text);
      if (cached !== undefined) return cached;
      const tokens = (await tokenize(text) ?? estimateTokens(text)) + MESSAGE_OVERHEAD;
      if (counted.size > 2000) counted.clear();
      counted.set(text, tokens);
      return tokens;
    },
    forget() {
      known = undefined;
    },
  };
}
