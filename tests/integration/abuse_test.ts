/** Limits on starting answers: per session, per IP, and at once per session. */
import { equal, match, ok } from "node:assert/strict";
import { type RunningApp, withApp as withUpstreamApp } from "../support/app_server.ts";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream } from "../support/fake_upstream.ts";
import { readSse } from "../support/sse_client.ts";

const withApp = (
  env: Record<string, string>,
  body: (app: RunningApp, upstream: FakeUpstream) => Promise<void>,
) => withUpstreamApp(env, body, (upstream) => upstream.use({ chunks: ["ok"] }));

Deno.test("a session that asks too often gets 429 with Retry-After; other sessions do not", async () => {
  await withApp({ RATE_LIMIT_SESSION: "3" }, async (app, upstream) => {
    const greedy = new CookieJar();
    for (let i = 0; i < 3; i++) equal((await greedy.post(`${app.url}/api/spell-generator`, {})).status, 200);
    const refused = await greedy.post(`${app.url}/api/spell-generator-stream`, {});
    equal(refused.status, 429);
    equal(refused.headers.get("retry-after"), "20");
    match((await refused.json()).error, /too many requests: try again in 20 s/);
    equal((await new CookieJar().post(`${app.url}/api/spell-generator`, {})).status, 200);
    equal(upstream.requests.length, 4);
  });
});

Deno.test("one address that asks too often gets 429, whatever its sessions", async () => {
  await withApp({ RATE_LIMIT_IP: "2" }, async (app) => {
    equal((await new CookieJar().post(`${app.url}/api/spell-generator`, {})).status, 200);
    equal((await new CookieJar().post(`${app.url}/api/spell-generator`, {})).status, 200);
    const refused = await new CookieJar().post(`${app.url}/api/spell-generator`, {});
    equal(refused.status, 429);
    ok(Number(refused.headers.get("retry-after")) >= 1);
    await refused.body?.cancel();
  });
});

Deno.test("a session may run only so many answers at once; resuming one does not count", async () => {
  await withApp({ MAX_CONCURRENT_STREAMS: "1" }, async (app, upstream) => {
    upstream.use({ chunks: Array.from({ length: 20 }, (_, i) => `${i} `), delayMs: 20 });
    const jar = new CookieJar();
    const answerId = crypto.randomUUID();
    const first = readSse(await jar.post(`${app.url}/api/trivia-bot-stream`, { request_id: answerId }));
    const second = await jar.post(`${app.url}/api/spell-generator-stream`, {});
    equal(second.status, 429);
    match((await second.json()).error, /too many answers at once/);
    const resumed = await jar.fetch(`${app.url}/api/streams/${answerId}`);
    equal(resumed.status, 200, "reading the running answer again is not a new answer");
    await readSse(resumed);
    await first;
    const afterwards = await jar.post(`${app.url}/api/spell-generator-stream`, {});
    equal(afterwards.status, 200);
    await readSse(afterwards);
    equal(upstream.requests.length, 2);
  });
});
