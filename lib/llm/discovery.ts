/**
 * Zero configuration: with no model server, key or provider set, Kabotan looks on this machine
 * for an OpenAI-compatible server, as the original app talked to llama.cpp at :8080 and Open WebUI
 * finds Ollama at :11434 — llama.cpp `:8080`, Ollama `:11434`, LM Studio `:1234`, in that order
 * (or the places LOCAL_MODEL_SERVERS names) — and takes the first that lists a model. It looks
 * once at start and again (at most every 30 s) when `/api/health` is asked while still on the
 * demo; until one is found, the demo model answers.
 */
import type { LocalServer } from "../config.ts";
import { firstModelOf } from "./model_choice.ts";
import type { LlmClient } from "./types.ts";

export type { LocalServer };

export const LOCAL_SERVERS: LocalServer[] = [
  { name: "llama.cpp", baseURL: "http://127.0.0.1:8080/v1" },
  { name: "Ollama", baseURL: "http://127.0.0.1:11434/v1" },
  { name: "LM Studio", baseURL: "http://127.0.0.1:1234/v1" },
];

/** The first server here that lists a model, with that model; undefined when none does. */
export async function findLocalServer(
  candidates: LocalServer[] = LOCAL_SERVERS,
  fetcher: typeof fetch = fetch,
): Promise<(LocalServer & { model: string }) | undefined> {
  const found = await Promise.all(candidates.map(async (server) => {
    try {
      const response = await fetcher(`${server.baseURL}/models`, { signal: AbortSignal.timeout(800) });
      if (!response.ok) {
        await response.body?.cancel();
        return undefined;
      }
      const listed = await response.json() as { data?: Array<{ id?: unknown }> };
      const model = firstModelOf(listed);
      return model ? { ...server, model } : undefined;
    } catch {
      return undefined;
    }
  }));
  return found.find((server) => server !== undefined);
}

/** How often `/api/health` may look again while the demo answers. */
const LOOK_AGAIN_MS = 30_000;

/**
 * The model the app talks to, which can change once: from the demo to a model server found on this
 * machine. Every call goes to the current one; `lookAgain` looks (at most every 30 s) while the demo
 * answers.
 */
export class DiscoveringLlm implements LlmClient {
  #current: LlmClient;
  #lastLook = 0;
  #looking: Promise<void> | undefined;

  constructor(
    demo: LlmClient,
    private readonly connect: (server: LocalServer & { model: string }) => LlmClient,
    private readonly candidates: LocalServer[] = LOCAL_SERVERS,
    private readonly lookAgainMs = LOOK_AGAIN_MS,
  ) {
    this.#current = demo;
  }

  /** Looks once now (at start); resolves when it has. */
  async look(): Promise<void> {
    this.#lastLook = Date.now();
    const found = await findLocalServer(this.candidates);
    if (!found || this.#current.provider !== "demo") return;
    this.#current = this.connect(found);
  }

  /** While the demo answers, looks again (at most every 30 s; callers meanwhile share one look). */
  lookAgain(): Promise<void> {
    if (this.#current.provider !== "demo" || Date.now() - this.#lastLook < this.lookAgainMs) {
      return Promise.resolve();
    }
    this.#looking ??= this.look().finally(() => (this.#looking = undefined));
    return this.#looking;
  }

  get provider() {
    return this.#current.provider;
  }
  get model() {
    return this.#current.model;
  }
  get server() {
    return this.#current.server;
  }
  get baseURL() {
    return this.#current.baseURL;
  }
  get window() {
    return this.#current.window;
  }
  resolveModel() {
    return this.#current.resolveModel();
  }
  stream(request: Parameters<LlmClient["stream"]>[0]) {
    return this.#current.stream(request);
  }
  complete(request: Parameters<LlmClient["complete"]>[0]) {
    return this.#current.complete(request);
  }
}
