/** Response headers that hold for every answer: caching, HSTS, and whose request id it is. */
import { equal, match, ok } from "node:assert/strict";
import { withInProcessApp } from "../support/in_process.ts";
import { readSse } from "../support/sse_client.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

Deno.test("API JSON is never cached; streams say no-cache, no-transform", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.use({ chunks: ["ok"] });
    const responses = [
      await app.request("/api/health"),
      await app.request("/api/nope"),
      await app.post("/api/spell-generator", {}),
      await app.post("/api/character-chat", { character: "nobody", message: "hi" }),
      await app.post("/api/set-language", { language: "ja" }),
      await app.request("/api/conversations"),
    ];
    for (const response of responses) {
      equal(response.headers.get("cache-control"), "no-store", `${response.status} ${response.url}`);
      await response.body?.cancel();
    }
    const stream = await app.request("/api/spell-generator-stream");
    equal(stream.headers.get("cache-control"), "no-cache, no-transform");
    await readSse(stream);
  });
});

Deno.test("HSTS is sent over https only", async () => {
  await withInProcessApp({}, async (app) => {
    const plain = await app.request("/api/health");
    equal(plain.headers.get("strict-transport-security"), null);
    await plain.body?.cancel();
  });
  await withInProcessApp({ TRUST_PROXY: "true" }, async (app) => {
    const secure = await app.request("/api/health", { headers: { "x-forwarded-proto": "https" } });
    match(secure.headers.get("strict-transport-security") ?? "", /max-age=\d+/);
    await secure.body?.cancel();
  });
});

Deno.test("request ids are the server's; a client's own is only logged apart, and only when well-formed", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.use({ chunks: ["ok"] });
    const response = await app.post("/api/trivia-bot", {}, { "x-request-id": "client-42" });
    const id = response.headers.get("x-request-id") ?? "";
    match(id, UUID);
    await response.json();
    const complete = app.logs.map((line) => JSON.parse(line)).find((line) =>
      line.message === "answer complete"
    );
    equal(complete.traceId, id);
    equal(complete.clientTraceId, "client-42");
    const odd = await app.post("/api/trivia-bot", {}, { "x-request-id": "<script>".repeat(3) });
    match(odd.headers.get("x-request-id") ?? "", UUID);
    await odd.json();
    ok(!app.logs.some((line) => line.includes("<script>")), "a malformed id is not logged");
  });
});

Deno.test("many health checks at once ask the model server once", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.modelsDelayMs = 100;
    const responses = await Promise.all(Array.from({ length: 50 }, () => app.request("/api/health")));
    for (const response of responses) equal((await response.json()).llm.reachable, true);
    equal(upstream.modelsRequests, 1);
  });
});

Deno.test("the page, script and styles go gzipped to a browser that accepts it; answers never do", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.use({ chunks: ["a", "b"] });
    const gzip = { headers: { "accept-encoding": "gzip, deflate, br" } };
    const page = await app.request("/", gzip);
    equal(page.headers.get("content-encoding"), "gzip");
    const html = await new Response(page.body!.pipeThrough(new DecompressionStream("gzip"))).text();
    match(html, /<meta name="description" content="[^"]{40,}"/);
    match(html, /<link rel="icon" href="data:image\/svg\+xml,/);
    // (This app has stand-in asset names: ask for real files of the built bundle and the styles.)
    const built = [...Deno.readDirSync(new URL("../../static/build/", import.meta.url))];
    const script = `/static/build/${built.find((file) => file.name.endsWith(".js"))!.name}`;
    for (const path of ["/static/styles.css", script]) {
      const asset = await app.request(path, gzip);
      equal(asset.status, 200, path);
      equal(asset.headers.get("content-encoding"), "gzip", path);
      await asset.body?.cancel();
    }
    const plain = await app.request("/");
    equal(plain.headers.get("content-encoding"), null, "nothing compressed for a client that did not ask");
    await plain.body?.cancel();
    const stream = await app.request("/api/spell-generator-stream", gzip);
    equal(stream.headers.get("content-encoding"), null, "the event stream is never compressed");
    await readSse(stream);
    const json = await app.post("/api/spell-generator", {}, gzip.headers);
    equal(json.headers.get("content-encoding"), null);
    await json.body?.cancel();
  });
});

Deno.test("the page is private and checked again on each visit, but not kept out of the back/forward cache", async () => {
  await withInProcessApp({}, async (app) => {
    const page = await app.request("/");
    equal(page.headers.get("cache-control"), "private, no-cache");
    await page.body?.cancel();
  });
});
