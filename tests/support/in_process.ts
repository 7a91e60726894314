/**
 * The app without a socket of its own, for tests where sockets do not matter: requests go
 * through `app.request`, with a cookie jar; the model server is a scripted fake on loopback.
 */
import { demoAnswersFor } from "../../lib/features/registry.ts";
import { createKabotan } from "../../app.ts";
import { loadConfig } from "../../lib/config.ts";
import type { Feature } from "../../lib/features/feature.ts";
import { createLlm } from "../../lib/llm/mod.ts";
import { createLogger } from "../../lib/logger.ts";
import { Metrics } from "../../lib/telemetry/metrics.ts";
import { openKv } from "../../lib/session/kv.ts";
import { TEST_ENV } from "./app_server.ts";
import { FakeUpstream } from "./fake_upstream.ts";

export interface InProcessApp {
  /** The origin requests are addressed to (there is no socket). */
  url: string;
  /** fetch, answered by the app in process (no cookie jar: pass it to `new CookieJar(app.fetch)`). */
  fetch: typeof fetch;
  /** A request as a browser on this site would send it, with this client's cookies. */
  request(path: string, init?: RequestInit): Promise<Response>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Another browser: a client with a cookie jar of its own. */
  client(): InProcessApp;
  logs: string[];
  kv: Deno.Kv;
  /** Shuts the instance to new answers, as SIGTERM does. */
  drain(): void;
}

const ORIGIN = "http://kabotan.test";

export async function withInProcessApp(
  env: Record<string, string>,
  body: (app: InProcessApp, upstream: FakeUpstream) => Promise<void>,
  { features, wrapKv = (kv) => kv }: {
    features?: ReadonlyMap<string, Feature>;
    /** What the app gets instead of the store itself (a store that fails, say). */
    wrapKv?: (kv: Deno.Kv) => Deno.Kv;
  } = {},
): Promise<void> {
  const upstream = new FakeUpstream();
  const config = loadConfig({
    ...TEST_ENV,
    OPENAI_BASE_URL: upstream.baseURL,
    ...env,
  });
  const logs: string[] = [];
  const logger = createLogger(config.logLevel, (line) => logs.push(line), [config.llm.apiKey]);
  const kv = await openKv(config.kvPath ?? ":memory:");
  const metrics = new Metrics();
  const kabotan = createKabotan({
    config,
    llm: createLlm(config.llm, { ...config.demo, answers: demoAnswersFor(features) }, logger),
    logger,
    assets: { script: "/static/build/none.js", style: "/static/build/none.css" },
    kv: wrapKv(kv),
    metrics,
    features,
  });
  const app = kabotan.app;
  const client = (): InProcessApp => {
    const cookies = new Map<string, string>();
    const request = async (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      if (cookies.size) headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
      const response = await app.request(`${ORIGIN}${path}`, { ...init, headers });
      for (const line of response.headers.getSetCookie()) {
        const [name, value] = line.split(";")[0].split("=");
        cookies.set(name.trim(), value.trim());
      }
      return response;
    };
    return {
      url: ORIGIN,
      fetch: async (input, init) => await app.request(input instanceof Request ? input : String(input), init),
      request,
      post: (path, json, headers = {}) =>
        request(path, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(json),
        }),
      client,
      logs,
      kv,
      drain: () => kabotan.drain(),
    };
  };
  try {
    await body(client(), upstream);
  } finally {
    kv.close();
    await upstream.close();
  }
}
