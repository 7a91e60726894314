import { deepEqual, equal, throws } from "node:assert/strict";
import { ConfigError, loadConfig, shutdownGraceMs } from "./config.ts";

Deno.test("with nothing configured the demo model runs with the documented defaults", () => {
  const config = loadConfig({});
  equal(config.port, 8000);
  deepEqual(config.llm, {
    provider: "demo",
    baseURL: undefined,
    apiKey: undefined,
    model: "kabotan-demo",
    timeoutMs: 360_000,
    idleTimeoutMs: 60_000,
    bufferSize: 1024,
    maxTokens: {},
    // Nothing set: a model server on this machine is looked for first.
    discover: true,
  });
  equal(config.rollout.enabled, true);
  equal(config.client.updateIntervalMs, 100);
  equal(config.sse.keepAliveMs, 15_000);
  equal(config.resume.graceMs, 30_000);
  equal(config.hostname, "127.0.0.1");
  equal(config.trustProxy, false);
  equal(config.logLevel, "info");
});

Deno.test("a base URL or a key selects the OpenAI-compatible provider", () => {
  const byUrl = loadConfig({ OPENAI_BASE_URL: "http://localhost:8080/v1/" });
  deepEqual(
    {
      provider: byUrl.llm.provider,
      baseURL: byUrl.llm.baseURL,
      apiKey: byUrl.llm.apiKey,
      model: byUrl.llm.model,
    },
    // No model named: the server's own is asked for when it is first needed.
    { provider: "openai", baseURL: "http://localhost:8080/v1", apiKey: undefined, model: undefined },
  );
  equal(loadConfig({ OPENAI_API_KEY: "sk-1" }).llm.provider, "openai");
  equal(loadConfig({ OPENAI_KEY: "sk-2" }).llm.apiKey, "sk-2");
  equal(loadConfig({ OPENAI_API_KEY: "sk-1", LLM_PROVIDER: "demo" }).llm.provider, "demo");
});

Deno.test("the original app's OPENAI_HOST full URL is accepted", () => {
  equal(
    loadConfig({ OPENAI_HOST: "http://10.0.0.5:11434/v1/chat/completions" }).llm.baseURL,
    "http://10.0.0.5:11434/v1",
  );
});

Deno.test("bad values fail with a message naming the variable", () => {
  throws(
    () => loadConfig({ PORT: "eighty" }),
    (e: Error) => e instanceof ConfigError && e.message.includes("PORT"),
  );
  throws(() => loadConfig({ ENABLE_STREAMING: "maybe" }), /ENABLE_STREAMING/);
  throws(() => loadConfig({ LLM_PROVIDER: "anthropic" }), /LLM_PROVIDER/);
  throws(() => loadConfig({ STREAMING_TIMEOUT: "0" }), /STREAMING_TIMEOUT/);
  throws(() => loadConfig({ LOG_LEVEL: "loud" }), /LOG_LEVEL/);
});

Deno.test("ENABLE_STREAMING=false switches streaming off", () => {
  equal(loadConfig({ ENABLE_STREAMING: "false" }).rollout.enabled, false);
});

Deno.test("ENABLE_STREAMING takes a percentage for a gradual rollout", () => {
  equal(loadConfig({ ENABLE_STREAMING: "25%" }).rollout.percent, 25);
  equal(loadConfig({ ENABLE_STREAMING: "25%" }).rollout.enabled, true);
  equal(loadConfig({ ENABLE_STREAMING: "0%" }).rollout.enabled, false);
  equal(loadConfig({ ENABLE_STREAMING: "true" }).rollout.percent, 100);
  equal(loadConfig({ ENABLE_STREAMING: "false" }).rollout.percent, 0);
  throws(() => loadConfig({ ENABLE_STREAMING: "150%" }), /ENABLE_STREAMING/);
});

Deno.test("only with nothing set is a local model server looked for; LOCAL_MODEL_SERVERS says where", () => {
  equal(loadConfig({ LLM_PROVIDER: "demo" }).llm.discover, false);
  equal(loadConfig({ OPENAI_BASE_URL: "http://localhost:8080/v1" }).llm.discover, false);
  equal(loadConfig({ OPENAI_API_KEY: "sk-x" }).llm.discover, false);
  deepEqual(
    loadConfig({ LOCAL_MODEL_SERVERS: "Ollama=http://127.0.0.1:11434/v1/, http://127.0.0.1:9999/v1" }).llm
      .localServers,
    [
      { name: "Ollama", baseURL: "http://127.0.0.1:11434/v1" },
      { name: "127.0.0.1:9999", baseURL: "http://127.0.0.1:9999/v1" },
    ],
  );
  throws(() => loadConfig({ LOCAL_MODEL_SERVERS: "Ollama=not a url" }), ConfigError);
  equal(loadConfig({ CONTEXT_TOKENS: "8192" }).llm.contextTokens, 8192);
  throws(() => loadConfig({ CONTEXT_TOKENS: "12" }), ConfigError);
});

Deno.test("on Deno Deploy (killed 5 s after SIGINT) the shutdown grace is at most 3 s, leaving time to hand answers over", () => {
  const config = loadConfig({ SHUTDOWN_GRACE: "10" });
  equal(shutdownGraceMs(config, false), 10_000);
  equal(shutdownGraceMs(config, true), 3000);
  equal(shutdownGraceMs(loadConfig({ SHUTDOWN_GRACE: "1" }), true), 1000);
});
