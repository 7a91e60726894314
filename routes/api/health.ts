import { Hono } from "hono";
import type { Config, LlmConfig } from "../../lib/config.ts";
import { LlmError } from "../../lib/llm/errors.ts";
import type { LlmClient } from "../../lib/llm/types.ts";
import { DiscoveringLlm } from "../../lib/llm/discovery.ts";

/** How long an upstream reachability result is reused. */
const UPSTREAM_CHECK_MS = 10_000;

/**
 * `GET /api/health`: whether KV answers and the model server can be reached (an HTTP answer of
 * any kind from its `/models`; the model itself is not asked). 503 when KV fails: nothing works
 * without it; "degraded" when only the model server is out of reach. Never the key.
 */
export function healthApi({ llmConfig, llm, rollout, kv }: {
  llmConfig: Pick<LlmConfig, "apiKey">;
  llm: LlmClient;
  rollout: Config["rollout"];
  kv: Deno.Kv;
}): Hono {
  let upstream: { reachable: boolean; at: number } | undefined;
  /** The check under way: callers meanwhile share it (one request to the model server, not one each). */
  let checking: Promise<boolean> | undefined;

  async function checkUpstream(): Promise<boolean> {
    let reachable = false;
    if (!llm.model) {
      // The server's own model is not known yet: asking it which one it serves is the check.
      try {
        await llm.resolveModel();
        reachable = true;
      } catch (error) {
        reachable = !(error instanceof LlmError && error.code === "unreachable");
      }
      upstream = { reachable, at: Date.now() };
      return reachable;
    }
    try {
      const response = await fetch(`${llm.baseURL ?? "https://api.openai.com/v1"}/models`, {
        headers: llmConfig.apiKey ? { authorization: `Bearer ${llmConfig.apiKey}` } : {},
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

  function upstreamReachable(): Promise<boolean> {
    if (llm.provider === "demo") return Promise.resolve(true);
    if (upstream && Date.now() - upstream.at < UPSTREAM_CHECK_MS) return Promise.resolve(upstream.reachable);
    checking ??= checkUpstream().finally(() => (checking = undefined));
    return checking;
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
    // Still on the demo with nothing configured: a model server started since may be found now.
    if (llm instanceof DiscoveringLlm) await llm.lookAgain();
    const [kvOk, reachable] = await Promise.all([kvWorks(), upstreamReachable()]);
    // The model answers are asked of: configured, or the server's own (known once it was asked).
    const model = llm.model;
    return c.json({
      status: kvOk && reachable ? "ok" : "degraded",
      streaming: rollout.enabled,
      rollout: rollout.percent,
      llm: {
        provider: llm.provider,
        ...(llm.server ? { server: llm.server } : {}),
        model: model || null,
        reachable,
      },
      kv: kvOk ? "ok" : "error",
    }, kvOk ? 200 : 503);
  });
}
