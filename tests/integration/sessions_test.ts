/** Sessions cost a KV write each: one address may not mint them without bound, and refusals mint none. */
import { equal, ok } from "node:assert/strict";
import { withInProcessApp } from "../support/in_process.ts";

async function sessionCount(kv: Deno.Kv): Promise<number> {
  return (await Array.fromAsync(kv.list({ prefix: ["session"] }))).length;
}

Deno.test("cookieless set-language calls from one address create sessions only up to the limit", async () => {
  await withInProcessApp({ SESSION_CREATE_PER_IP: "5" }, async (app) => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await app.client().post("/api/set-language", { language: "ja" });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    equal(statuses.filter((status) => status === 200).length, 5);
    equal(statuses.filter((status) => status === 429).length, 7);
    equal(await sessionCount(app.kv), 5);
    // The page still renders for an address over the limit, without a session.
    equal((await app.client().request("/")).status, 200);
  });
});

Deno.test("a refused request writes nothing: no session, no history", async () => {
  await withInProcessApp({ RATE_LIMIT_IP: "1" }, async (app, upstream) => {
    upstream.use({ chunks: ["ok"] });
    const first = await app.client().post("/api/spell-generator", {});
    equal(first.status, 200);
    await first.json();
    const before = (await Array.fromAsync(app.kv.list({ prefix: [] }))).length;
    for (let i = 0; i < 5; i++) {
      const refused = await app.client().post("/api/spell-generator", {});
      equal(refused.status, 429);
      await refused.body?.cancel();
    }
    const bad = await app.client().post("/api/character-chat", { character: "nobody", message: "hi" });
    equal(bad.status, 400);
    await bad.body?.cancel();
    const after = (await Array.fromAsync(app.kv.list({ prefix: [] }))).length;
    equal(after, before, "no KV entry was written for a refused request");
  });
});

Deno.test("a fresh cookie does not reset the cap on answers at once: it is counted per address too", async () => {
  await withInProcessApp(
    { MAX_CONCURRENT_STREAMS: "1", MAX_CONCURRENT_STREAMS_PER_IP: "2" },
    async (app, upstream) => {
      upstream.use({ chunks: Array.from({ length: 30 }, (_, i) => `${i} `), delayMs: 20 });
      const open = await Promise.all([0, 1].map(() => app.client().request("/api/trivia-bot-stream")));
      for (const response of open) equal(response.status, 200);
      const third = await app.client().request("/api/trivia-bot-stream");
      equal(third.status, 429);
      ok((await third.json()).error.includes("too many answers at once"));
      for (const response of open) await response.body?.cancel();
    },
  );
});
