import { demoAnswersFor } from "../../lib/features/registry.ts";
import { createApp } from "../../app.ts";
import type { Assets } from "../../components/page.tsx";
import { loadConfig } from "../../lib/config.ts";
import { createLlm } from "../../lib/llm/mod.ts";
import { createLogger } from "../../lib/logger.ts";
import { Metrics } from "../../lib/telemetry/metrics.ts";
import { openKv } from "../../lib/session/kv.ts";
import { FakeUpstream } from "./fake_upstream.ts";

export interface RunningApp {
  url: string;
  logs: string[];
  kv: Deno.Kv;
  close(): Promise<void>;
}

const TEST_ASSETS: Assets = { script: "/static/build/none.js", style: "/static/build/none.css" };

/** Starts the app in process on a loopback port, configured by `env` alone (KV in memory unless KV_PATH). */
/**
 * The settings every test app starts from: debug logs, and no limits (tests make many answers from
 * one address; the limits are tested where they are asked for).
 */
export const TEST_ENV: Readonly<Record<string, string>> = {
  LOG_LEVEL: "debug",
  RATE_LIMIT_SESSION: "0",
  RATE_LIMIT_IP: "0",
  MAX_CONCURRENT_STREAMS: "0",
  MAX_CONCURRENT_STREAMS_PER_IP: "0",
  SESSION_CREATE_PER_IP: "0",
  RATE_LIMIT_PAGES: "0",
};

export async function startApp(
  env: Record<string, string>,
  assets: Assets = TEST_ASSETS,
): Promise<RunningApp> {
  const config = loadConfig({
    ...TEST_ENV,
    ...env,
  });
  const logs: string[] = [];
  const logger = createLogger(config.logLevel, (line) => logs.push(line), [config.llm.apiKey]);
  const kv = await openKv(config.kvPath ?? ":memory:");
  const metrics = new Metrics();
  const llm = createLlm(
    config.llm,
    { ...config.demo, answers: demoAnswersFor() },
    logger,
    (status, ms) => metrics.upstreamAttempt(status, ms),
  );
  const app = createApp({ config, llm, logger, assets, kv, metrics });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    logs,
    kv,
    close: async () => {
      await server.shutdown();
      kv.close();
    },
  };
}

export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** Runs `body` with the app on loopback in front of a fresh scripted upstream, then closes both. */
export async function withApp(
  env: Record<string, string>,
  body: (app: RunningApp, upstream: FakeUpstream) => Promise<void>,
  prepare?: (upstream: FakeUpstream) => void,
): Promise<void> {
  const upstream = new FakeUpstream();
  prepare?.(upstream);
  const app = await startApp({ OPENAI_BASE_URL: upstream.baseURL, ...env });
  try {
    await body(app, upstream);
  } finally {
    await app.close();
    await upstream.close();
  }
}
