/**
 * Which model to name in a request. Configured (OPENAI_MODEL), it is that one. Otherwise, a
 * server of one's own (llama.cpp, vLLM, Ollama: a base URL and no model) is asked which it serves
 * — the first model its `/models` lists, as their users expect — once, then remembered, and asked
 * again after a request fails. OpenAI's own API, asked nothing, gets `gpt-4o-mini`.
 */
import { LlmError } from "./errors.ts";

export const OPENAI_DEFAULT_MODEL = "gpt-4o-mini";

export interface ModelChoice {
  /** The model to name now (asking the server first when it is not known yet). */
  name(): Promise<string>;
  /** The model, when it is known without asking. */
  known(): string | undefined;
  /** A request failed: the server is asked again next time. */
  forget(): void;
  /** The server's `/models` listing as last read, when this choice reads it (its entries' details). */
  listing?(): Promise<ModelEntry[] | undefined>;
}

/** An entry of a `/models` listing, with what servers add to it (vLLM's `max_model_len`, llama.cpp's `meta`). */
export interface ModelEntry {
  id?: unknown;
  max_model_len?: unknown;
  meta?: { n_ctx?: unknown; n_ctx_train?: unknown };
}

/** The first model a `/models` listing names (what a server of one's own serves, as its users expect). */
export function firstModelOf(listed: { data?: Array<{ id?: unknown }> } | undefined): string | undefined {
  return listed?.data?.find((entry) => typeof entry?.id === "string")?.id as string | undefined;
}

export function fixedModel(model: string): ModelChoice {
  return { name: () => Promise.resolve(model), known: () => model, forget() {} };
}

export function serverModel(
  { baseURL, apiKey, fetch: fetcher = fetch }: { baseURL: string; apiKey?: string; fetch?: typeof fetch },
): ModelChoice {
  let model: string | undefined;
  let asking: Promise<string> | undefined;
  let entries: ModelEntry[] | undefined;
  async function ask(): Promise<string> {
    let listed: { data?: ModelEntry[] };
    try {
      const response = await fetcher(`${baseURL}/models`, {
        headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new LlmError(
          "bad_response",
          "The model server did not say which model it serves: set OPENAI_MODEL.",
          `GET /models: ${response.status}`,
        );
      }
      listed = await response.json();
    } catch (error) {
      if (error instanceof LlmError) throw error;
      throw new LlmError("unreachable", "The language model could not be reached.", String(error));
    }
    entries = Array.isArray(listed?.data) ? listed.data : undefined;
    const first = firstModelOf(listed);
    if (!first) {
      throw new LlmError(
        "bad_response",
        "The model server lists no model: set OPENAI_MODEL.",
        "GET /models: empty",
      );
    }
    return first;
  }
  const choice: ModelChoice = {
    name() {
      if (model) return Promise.resolve(model);
      asking ??= ask().then((found) => (model = found)).finally(() => (asking = undefined));
      return asking;
    },
    known: () => model,
    forget() {
      model = undefined;
    },
    async listing() {
      if (!entries) await choice.name().catch(() => {});
      return entries;
    },
  };
  return choice;
}
