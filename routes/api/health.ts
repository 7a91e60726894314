import { Hono } from "hono";
import type { Config } from "../../lib/config.ts";
import type { LlmClient } from "../../lib/llm/types.ts";

/** `GET /api/health`: liveness and what the app talks to; never the key. */
export function healthApi({ config, llm }: { config: Config; llm: LlmClient }): Hono {
  return new Hono().get("/", (c) =>
    c.json({
      status: "ok",
      streaming: config.streaming.enabled,
      llm: { provider: llm.provider, model: llm.model },
    }));
}
