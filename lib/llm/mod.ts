import type { Config } from "../config.ts";
import { createDemoFetch, DEMO_BASE_URL } from "./demo_model.ts";
import { createOpenAiClient, type OpenAiClientOptions } from "./openai_client.ts";
import type { LlmClient } from "./types.ts";

export type * from "./types.ts";
export { LlmError } from "./errors.ts";

/** The configured language model: a real OpenAI-compatible server, or the built-in demo. */
export function createLlm(
  config: Config,
  log?: OpenAiClientOptions["log"],
  onAttempt?: OpenAiClientOptions["onAttempt"],
): LlmClient {
  const limits = {
    timeoutMs: config.streaming.timeoutMs,
    idleTimeoutMs: config.streaming.idleTimeoutMs,
    bufferSize: config.streaming.bufferSize,
    log,
    onAttempt,
  };
  if (config.llm.provider === "demo") {
    return createOpenAiClient({
      ...limits,
      provider: "demo",
      baseURL: DEMO_BASE_URL,
      apiKey: "demo",
      model: config.llm.model,
      fetch: createDemoFetch(config.demo),
      sendHints: true,
    });
  }
  return createOpenAiClient({
    ...limits,
    provider: "openai",
    baseURL: config.llm.baseURL,
    apiKey: config.llm.apiKey,
    model: config.llm.model,
  });
}
