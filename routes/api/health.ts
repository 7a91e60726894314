import { Hono } from "hono";
import type { Config } from "../../lib/config.ts";
import type { LlmClient } from "../../lib/llm/types.ts";

/** How long an upstream reachability result is reused. */
const UPSTREAM_CHECK_MS = 10_000;

/**
 * `GET /api/health`: whether KV answers and the model server can be reached (an HTTP answer of
 * any kind from its `/models`; the model itself is not asked). 503 when KV fails: nothing works
 * without it; "degraded" when only the model server is out of reach. Never the key.
 */
export function healthApi({ config, llm, kv }: { config: Config; llm: LlmClient; kv: Deno.Kv }): Hono {
  let upstream: { reachable: boolean; at: number } | undefined;

  async function upstreamReachable(): Promise<boolean> {
    if (llm.provider === "demo") return true;
    if (upstream && Date.now() - upstream.at < UPSTREAM_CHECK_MS) return upstream.reachable;
    let reachable = false;
    try {
      const response = await fetch(`${config.llm.baseURL ?? "https://api.openai.com/v1"}/models`, {
        headers: config.llm.apiKey ? { authorization: `Bearer ${config.llm.apiKey}` } : {},
        signal: AbortSignal.timeout(2000),
      });
      await response.body?.cancel();
      reachable = true;
    } catch {
      reachable = false;
    }
    upstream = { reachable, at: Date.now() };
    return reachable;
  }

  async function kvWorks(): Promise<boolean> {
    try {
      await kv.get(["health"]);
      return true;
    } catch {
      return false;
    }
  }

  return new Hono().get("/", async (c) => {
    const [kvOk, reachable] = await Promise.all([kvWorks(), upstreamReachable()]);
    return c.json({
      status: kvOk && reachable ? "ok" : "degraded",
      streaming: config.streaming.enabled,
      rollout: config.streaming.rolloutPercent,
      llm: { provider: llm.provider, model: llm.model, reachable },
      kv: kvOk ? "ok" : "error",
    }, kvOk ? 200 : 503);
  });
}
