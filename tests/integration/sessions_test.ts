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

Deno.test("a new visitor's session is written alongside the model request, not before it; its question after it", async () => {
  let sessionWritten = 0;
  let questionStored = 0;
  // A store whose commits take 300 ms: the session's record and the question's are told apart.
  const slowCommits = (kv: Deno.Kv) =>
    new Proxy(kv, {
      get(target, prop) {
        const value = Reflect.get(target, prop);
        if (prop !== "atomic") return typeof value === "function" ? value.bind(target) : value;
        return () => {
          const op = target.atomic();
          const keys: string[] = [];
          const set = op.set.bind(op);
          op.set = (key, v, options) => {
            keys.push(String(key[0]));
            return set(key, v, options);
          };
          const commit = op.commit.bind(op);
          op.commit = async () => {
            await new Promise((resolve) => setTimeout(resolve, 300));
            const result = await commit();
            if (keys.includes("session")) sessionWritten = performance.now();
            if (keys.some((k) => k.startsWith("conv"))) {
              questionStored ||= performance.now();
            }
            return result;
          };
          return op;
        };
      },
    });
  await withInProcessApp({}, async (app, upstream) => {
    upstream.use({ chunks: ["Good ", "evening."] });
    const response = await app.post("/api/character-chat-stream", { character: "dracula", message: "Hello" });
    equal(response.status, 200);
    await response.text();
    const asked = upstream.requests[0].at;
    ok(sessionWritten > 0 && questionStored > 0, "both were written");
    ok(
      asked < sessionWritten,
      `the model was asked ${(sessionWritten - asked).toFixed(0)} ms before the session was written`,
    );
    ok(questionStored >= sessionWritten, "the question is stored after its session");
    ok(response.headers.getSetCookie().some((cookie) => cookie.startsWith("kabotan_session=")));
  }, { wrapKv: slowCommits });
});
