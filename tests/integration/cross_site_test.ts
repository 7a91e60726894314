/**
 * Requests another site makes a visitor's browser send: refused before any work, whatever the
 * method. Forwarded headers count only behind a trusted proxy; PUBLIC_ORIGIN replaces trust in Host.
 */
import { equal } from "node:assert/strict";
import { withInProcessApp } from "../support/in_process.ts";
import { readSse } from "../support/sse_client.ts";

const STREAM = "/api/character-chat-stream?character=ghost&message=remember%20me";

Deno.test("a cross-site GET of a -stream URL is refused with 403; the model is not asked, nothing is stored", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.use({ chunks: ["ok"] });
    const victim = app.client();
    await readSse(await victim.request("/api/character-chat-stream?character=ghost&message=mine"));
    const attempts: Array<Record<string, string>> = [
      { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" },
      { "sec-fetch-site": "cross-site", "sec-fetch-dest": "image" },
      { origin: "https://evil.example" },
    ];
    for (const headers of attempts) {
      const refused = await victim.request(STREAM, { headers });
      equal(refused.status, 403, JSON.stringify(headers));
      equal((await refused.json()).error, "cross-site requests are not allowed");
    }
    const answerId = crypto.randomUUID();
    const withId = await victim.request(`${STREAM}&request_id=${answerId}`, {
      headers: { "sec-fetch-site": "cross-site" },
    });
    equal(withId.status, 403);
    await withId.body?.cancel();
    equal(upstream.requests.length, 1, "only the visitor's own question reached the model");
    const page = await (await victim.request("/")).text();
    equal(page.includes("remember me"), false, "the visitor's history holds no stranger's text");
  });
});

Deno.test("same-origin requests and EventSource keep working", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.use({ chunks: ["ok"] });
    const own = await app.request(STREAM, { headers: { "sec-fetch-site": "same-origin" } });
    equal((await readSse(own)).text, "ok");
    const navigated = await app.request(STREAM, { headers: { "sec-fetch-site": "none" } });
    equal((await readSse(navigated)).text, "ok", "typed into the address bar");
  });
});

Deno.test("X-Forwarded-Proto is trusted only behind a trusted proxy", async () => {
  const forwarded = { origin: "https://kabotan.test", "x-forwarded-proto": "https" };
  await withInProcessApp({}, async (app) => {
    const refused = await app.post("/api/set-language", { language: "ja" }, forwarded);
    equal(refused.status, 403, "without TRUST_PROXY the header is the client's word");
  });
  await withInProcessApp({ TRUST_PROXY: "true" }, async (app) => {
    const accepted = await app.post("/api/set-language", { language: "ja" }, forwarded);
    equal(accepted.status, 200);
    equal(accepted.headers.get("set-cookie")?.includes("Secure"), true, "the cookie is Secure behind https");
  });
});

Deno.test("with PUBLIC_ORIGIN set, a request naming another origin is refused even if Host agrees (DNS rebinding)", async () => {
  await withInProcessApp({ PUBLIC_ORIGIN: "https://kabotan.example" }, async (app) => {
    // A rebound name: the page's origin and the Host header are both the attacker's name.
    const rebound = await app.post("/api/set-language", { language: "ja" }, {
      origin: "http://kabotan.test",
    });
    equal(rebound.status, 403);
    await rebound.body?.cancel();
    const own = await app.post("/api/set-language", { language: "ja" }, {
      origin: "https://kabotan.example",
    });
    equal(own.status, 200);
    await own.body?.cancel();
  });
});
