/** Operations: graceful shutdown on SIGTERM, health checks, structured logs. */
import { deepEqual, equal, ok } from "node:assert/strict";
import { startApp } from "../support/app_server.ts";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream, sleep } from "../support/fake_upstream.ts";
import { startMain } from "../support/main_process.ts";
import { readSse } from "../support/sse_client.ts";

Deno.test("SIGTERM lets a short answer finish, ends a long one with an error after the grace period, and exits", async () => {
  const upstream = new FakeUpstream();
  upstream.script = (request) =>
    request.body.messages!.at(-1)!.content === "short"
      ? { chunks: ["quick ", "answer"], delayMs: 100 }
      : { chunks: Array.from({ length: 500 }, (_, i) => `${i} `), delayMs: 20 };
  const main = await startMain({
    OPENAI_BASE_URL: upstream.baseURL,
    KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }),
    SHUTDOWN_GRACE: "1",
  });
  try {
    const jar = new CookieJar();
    const long = readSse(
      await jar.post(`${main.url}/api/character-chat-stream`, { character: "ghost", message: "long" }),
    );
    const short = readSse(
      await jar.post(`${main.url}/api/character-chat-stream`, { character: "witch", message: "short" }),
    );
    await sleep(100);
    const signalled = performance.now();
    main.process.kill("SIGTERM");
    await sleep(100);
    const refused = await fetch(`${main.url}/api/health`).then(() => false, () => true);
    ok(refused, "no new connections once shutting down");
    equal((await short).text, "quick answer", "a short answer finishes");
    const ended = await long;
    const error = ended.events.at(-2)!.payload;
    deepEqual(error.type === "error" && error.code, "shutdown");
    equal(ended.events.at(-1)!.payload.type, "done");
    ok(ended.text.length > 0, "the text so far arrived");
    const status = await main.process.status;
    equal(status.code, 0);
    const took = performance.now() - signalled;
    ok(took >= 900 && took < 4000, `exited ${took} ms after SIGTERM`);
    await sleep(50);
    equal(upstream.open, 0, "the model's requests were closed");
  } finally {
    await main.stop().catch(() => {});
    await upstream.close();
  }
});

Deno.test("health reports KV and whether the model server can be reached, without asking the model", async () => {
  const upstream = new FakeUpstream();
  const app = await startApp({ OPENAI_BASE_URL: upstream.baseURL, OPENAI_MODEL: "m1" });
  const down = await startApp({ OPENAI_BASE_URL: "http://127.0.0.1:9/v1" });
  try {
    const health = await (await fetch(`${app.url}/api/health`)).json();
    deepEqual(health, {
      status: "ok",
      streaming: true,
      rollout: 100,
      llm: { provider: "openai", server: new URL(upstream.baseURL).host, model: "m1", reachable: true },
      kv: "ok",
    });
    equal(upstream.requests.length, 0, "no completion was asked for");
    const response = await fetch(`${down.url}/api/health`);
    equal(response.status, 200);
    const degraded = await response.json();
    equal(degraded.status, "degraded");
    equal(degraded.llm.reachable, false);
    app.kv.close();
    const broken = await fetch(`${app.url}/api/health`);
    equal(broken.status, 503);
    equal((await broken.json()).kv, "error");
  } finally {
    await app.close().catch(() => {});
    await down.close();
    await upstream.close();
  }
});

Deno.test("logs are one JSON object per line, with the request id", async () => {
  const upstream = new FakeUpstream();
  upstream.use({ chunks: ["hi"] });
  const app = await startApp({ OPENAI_BASE_URL: upstream.baseURL, LOG_LEVEL: "info" });
  try {
    const response = await fetch(`${app.url}/api/trivia-bot-stream?question=x`);
    const traceId = response.headers.get("x-request-id");
    await readSse(response);
    await sleep(20);
    const lines = app.logs.map((line) => JSON.parse(line));
    const ended = lines.find((line) => line.message === "stream ended");
    equal(ended.traceId, traceId);
    equal(ended.level, "info");
    equal(ended.outcome, "done");
    ok(lines.every((line) => typeof line.time === "string" && typeof line.message === "string"));
    ok(!lines.some((line) => line.level === "debug"), "LOG_LEVEL=info leaves debug out");
  } finally {
    await app.close();
    await upstream.close();
  }
});
