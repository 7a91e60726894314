import type { Config, LlmConfig } from "../config.ts";
import { createDemoFetch, DEMO_BASE_URL, type DemoAnswers } from "./demo_model.ts";
import { fixedModel, OPENAI_DEFAULT_MODEL, serverModel } from "./model_choice.ts";
import { createOpenAiClient, type OpenAiClientOptions } from "./openai_client.ts";
import { fixedWindow, openAiWindow, serverWindow } from "./context_window.ts";
import { DiscoveringLlm, LOCAL_SERVERS, type LocalServer } from "./discovery.ts";
import type { LlmClient } from "./types.ts";

export type * from "./types.ts";
export { LlmError } from "./errors.ts";

/** Idle connections kept to the model server after a burst of answers, and for how long. */
const IDLE_CONNECTIONS = 32;
const IDLE_TIMEOUT_MS = 30_000;

/**
 * fetch with a bounded keep-alive pool: the default keeps one idle connection per answer of the
 * largest burst so far, with no cap; after 2,000 answers at once that is 2,000 idle sockets.
 */
function boundedPoolFetch(): typeof fetch | undefined {
  if (typeof Deno.createHttpClient !== "function") return undefined;
  try {
    const client = Deno.createHttpClient({
      poolMaxIdlePerHost: IDLE_CONNECTIONS,
      poolIdleTimeout: IDLE_TIMEOUT_MS,
    });
    // `client` is Deno's own fetch option, unknown to the DOM RequestInit type.
    return (input, init) => fetch(input, { ...init, client } as RequestInit);
  } catch {
    return undefined;
  }
}

/** The demo's pace (from the config) and its words (from the features served; needed by the demo only). */
export type DemoSetup = Config["demo"] & { answers?: DemoAnswers };

/**
 * The configured language model: a real OpenAI-compatible server, or the built-in demo — which,
 * when nothing at all is configured, gives way to a model server found on this machine
 * (discovery.ts; call `look()` on it at start).
 */
export function createLlm(
  llm: LlmConfig,
  demo: DemoSetup,
  logger?: OpenAiClientOptions["logger"],
  onAttempt?: OpenAiClientOptions["onAttempt"],
): LlmClient {
  if (!llm.discover) return clientFor(llm, demo, logger, onAttempt);
  const connect = (found: LocalServer & { model: string }) =>
    clientFor(
      {
        ...llm,
        provider: "openai",
        baseURL: found.baseURL,
        model: found.model,
        serverName: found.name,
        discover: false,
      },
      demo,
      logger,
      onAttempt,
    );
  return new DiscoveringLlm(
    clientFor(llm, demo, logger, onAttempt),
    connect,
    llm.localServers ?? LOCAL_SERVERS,
  );
}

function clientFor(
  llm: LlmConfig,
  demo: DemoSetup,
  logger?: OpenAiClientOptions["logger"],
  onAttempt?: OpenAiClientOptions["onAttempt"],
): LlmClient {
  const limits = {
    timeoutMs: llm.timeoutMs,
    idleTimeoutMs: llm.idleTimeoutMs,
    bufferSize: llm.bufferSize,
    logger,
    onAttempt,
  };
  if (llm.provider === "demo") {
    if (!demo.answers) throw new Error("the demo model needs the demo answers of the features it serves");
    return createOpenAiClient({
      ...limits,
      provider: "demo",
      baseURL: DEMO_BASE_URL,
      apiKey: "demo",
      model: fixedModel(llm.model ?? "kabotan-demo"),
      fetch: createDemoFetch(demo, demo.answers),
      window: fixedWindow(llm.contextTokens),
      sendHints: true,
    });
  }
  const fetcher = boundedPoolFetch();
  const ownServer = llm.baseURL !== undefined && !isOpenAiApi(llm.baseURL);
  // A server of one's own, with no model named, serves its own: ask it (OpenAI's API: the default).
  const model = llm.model !== undefined
    ? fixedModel(llm.model)
    : ownServer
    ? serverModel({ baseURL: llm.baseURL!, apiKey: llm.apiKey, fetch: fetcher })
    : fixedModel(OPENAI_DEFAULT_MODEL);
  return createOpenAiClient({
    ...limits,
    fetch: fetcher,
    provider: "openai",
    server: llm.serverName ?? serverNameOf(llm.baseURL),
    baseURL: llm.baseURL,
    apiKey: llm.apiKey,
    model,
    window: llm.contextTokens !== undefined ? fixedWindow(llm.contextTokens) : ownServer
      ? serverWindow({
        baseURL: llm.baseURL!,
        apiKey: llm.apiKey,
        fetch: fetcher,
        listing: model.listing?.bind(model),
      })
      : openAiWindow(),
  });
}

/** What to call a configured model server: OpenAI's API by name, any other by its host. */
function serverNameOf(baseURL: string | undefined): string {
  if (baseURL === undefined || isOpenAiApi(baseURL)) return "OpenAI";
  try {
    return new URL(baseURL).host;
  } catch {
    return baseURL;
  }
}

function isOpenAiApi(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname === "api.openai.com";
  } catch {
    return false;
  }
}
