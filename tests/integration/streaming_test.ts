/**
 * The app and a scripted OpenAI-compatible upstream, both on loopback: what an SSE client
 * receives in each upstream mode, and that a client going away reaches the upstream.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { postJson, type RunningApp, withApp as withUpstreamApp } from "../support/app_server.ts";
import { FakeUpstream } from "../support/fake_upstream.ts";
import { eventTypes, readSse } from "../support/sse_client.ts";

const KEY = "sk-test-do-not-leak-1234";

const withApp = (
  env: Record<string, string>,
  body: (app: RunningApp, upstream: FakeUpstream) => Promise<void>,
) => withUpstreamApp({ OPENAI_API_KEY: KEY, ...env }, body);

const CHUNKS = ["Good ", "evening, ", "my dear ", "guest."];
const streamUrl = (app: RunningApp, query = "character=dracula&message=Hello") =>
  `${app.url}/api/character-chat-stream?${query}`;

Deno.test("GET -stream relays every delta as numbered events with the contract's headers", async () => {
  await withApp({}, async (app, upstream) => {
    upstream.use({ chunks: CHUNKS });
    const result = await readSse(await fetch(streamUrl(app)));
    equal(result.status, 200);
    equal(result.headers.get("content-type"), "text/event-stream; charset=utf-8");
    equal(result.headers.get("cache-control"), "no-cache, no-transform");
    equal(result.headers.get("x-accel-buffering"), "no");
    equal(result.headers.get("content-encoding"), null);
    equal(result.text, CHUNKS.join(""));
    equal(eventTypes(result).at(-1), "done");
    deepEqual(result.events.map((e) => Number(e.id)), result.events.map((_, i) => i + 1));
    const sent = upstream.requests[0].body;
    equal(sent.stream, true);
    equal(sent.messages?.[0].role, "system");
    deepEqual(sent.messages?.at(-1), { role: "user", content: "Hello" });
    equal(upstream.requests[0].headers.get("authorization"), `Bearer ${KEY}`);
  });
});

Deno.test("POST -stream, POST with stream:true and POST with Accept: text/event-stream all stream", async () => {
  await withApp({}, async (app, upstream) => {
    upstream.use({ chunks: CHUNKS });
    const body = { character: "witch", message: "Hi", language: "ja" };
    for (
      const response of [
        await postJson(`${app.url}/api/character-chat-stream`, body),
        await postJson(`${app.url}/api/character-chat`, { ...body, stream: true }),
        await postJson(`${app.url}/api/character-chat`, body, { accept: "text/event-stream" }),
      ]
    ) {
      const result = await readSse(response);
      equal(result.text, CHUNKS.join(""));
    }
    ok(upstream.requests.every((r) => r.body.messages?.[0].content.includes("日本語")));
  });
});

Deno.test("POST /api/character-chat answers JSON from a non-streaming upstream call", async () => {
  await withApp({}, async (app, upstream) => {
    upstream.use({ chunks: CHUNKS });
    const response = await postJson(`${app.url}/api/character-chat`, { character: "ghost", message: "Boo" });
    equal(response.status, 200);
    const body = await response.json();
    equal(body.content, CHUNKS.join(""));
    equal(body.stats.estimated, true, "no usage from this upstream: tokens are estimated");
    ok(body.stats.tokens > 0);
    equal(upstream.requests[0].body.stream, undefined);
  });
});

Deno.test("a slow upstream's deltas reach the client as they are produced", async () => {
  await withApp({}, async (app, upstream) => {
    upstream.use({ chunks: ["one ", "two ", "three ", "four"], delayMs: 150 });
    const started = performance.now();
    const arrivals: number[] = [];
    const result = await readSse(await fetch(streamUrl(app)), (event) => {
      if (event.payload.type === "content") arrivals.push(performance.now() - started);
    });
    equal(result.text, "one two three four");
    ok(arrivals[0] < 400, `first chunk after ${arrivals[0]} ms`);
    ok(arrivals[3] - arrivals[0] > 300, `chunks spread out: ${arrivals}`);
  });
});

Deno.test("a 5xx before the first token is retried and the client sees only the answer", async () => {
  await withApp({}, async (app, upstream) => {
    upstream.use({ status: 503, headers: { "retry-after-ms": "10" } }, { chunks: CHUNKS });
    const result = await readSse(await fetch(streamUrl(app)));
    equal(result.text, CHUNKS.join(""));
    deepEqual(eventTypes(result).filter((t) => t !== "content"), ["done"]);
    equal(upstream.requests.length, 2);
  });
});

Deno.test("an upstream that drops mid-stream gives the partial text, then error, then done", async () => {
  for (const dropMode of ["close", "error"] as const) {
    await withApp({}, async (app, upstream) => {
      upstream.use({ chunks: CHUNKS, dropAfter: 2, dropMode });
      const result = await readSse(await fetch(streamUrl(app)));
      equal(result.text, "Good evening, ", dropMode);
      deepEqual(eventTypes(result).slice(-2), ["error", "done"], dropMode);
      const error = result.events.at(-2)!.payload;
      ok(
        error.type === "error" && (error.code === "truncated" || error.code === "unreachable"),
        JSON.stringify(error),
      );
      equal(upstream.requests.length, 1, "no retry after text was sent");
    });
  }
});

Deno.test("an error inside a 200 stream gives the partial text, then error, then done", async () => {
  await withApp({}, async (app, upstream) => {
    upstream.use({ chunks: CHUNKS, errorAfter: 3 });
    const result = await readSse(await fetch(streamUrl(app)));
    equal(result.text, "Good evening, my dear ");
    const error = result.events.at(-2)!.payload;
    deepEqual(error, {
      error: "The language model reported an error.",
      type: "error",
      code: "upstream",
      server_message: "scripted error inside the stream",
    });
    equal(eventTypes(result).at(-1), "done");
  });
});

Deno.test("a stalled upstream is ended after the idle timeout and its connection closed", async () => {
  await withApp({ STREAMING_IDLE_TIMEOUT: "1" }, async (app, upstream) => {
    upstream.use({ chunks: CHUNKS, stallAfter: 1 });
    const started = performance.now();
    const result = await readSse(await fetch(streamUrl(app)));
    const elapsed = performance.now() - started;
    equal(result.text, "Good ");
    const error = result.events.at(-2)!.payload;
    ok(error.type === "error" && error.code === "stalled");
    ok(elapsed >= 900 && elapsed < 3000, `ended after ${elapsed} ms`);
    await waitFor(() => upstream.open === 0);
  });
});

Deno.test("STREAMING_TIMEOUT ends a long answer with a timeout error", async () => {
  await withApp({ STREAMING_TIMEOUT: "1" }, async (app, upstream) => {
    upstream.use({ chunks: Array.from({ length: 50 }, (_, i) => `${i} `), delayMs: 50 });
    const result = await readSse(await fetch(streamUrl(app)));
    const error = result.events.at(-2)!.payload;
    ok(error.type === "error" && error.code === "timeout", JSON.stringify(error));
    ok(result.text.length > 0 && result.text.length < 150);
    await waitFor(() => upstream.open === 0);
  });
});

Deno.test("a client that goes away closes the upstream connection within a second", async () => {
  await withApp({}, async (app, upstream) => {
    upstream.use({ chunks: Array.from({ length: 100 }, (_, i) => `${i} `), delayMs: 100 });
    const client = new AbortController();
    const response = await fetch(streamUrl(app), { signal: client.signal });
    const reader = response.body!.getReader();
    await reader.read();
    equal(upstream.open, 1);
    const closed = upstream.nextClose();
    const cut = performance.now();
    client.abort();
    await reader.read().catch(() => {});
    await closed;
    const latency = performance.now() - cut;
    ok(latency < 1000, `upstream closed ${latency} ms after the client left`);
    equal(upstream.open, 0);
    equal(upstream.requests.length, 1);
  });
});

Deno.test("a quiet stream gets keep-alive comments", async () => {
  await withApp({ STREAMING_KEEPALIVE: "1" }, async (app, upstream) => {
    upstream.use({ chunks: ["late"], firstDelayMs: 2300 });
    const result = await readSse(await fetch(streamUrl(app)));
    ok(result.comments.filter((c) => c === "keep-alive").length >= 2, JSON.stringify(result.comments));
    equal(result.text, "late");
  });
});

Deno.test("with ENABLE_STREAMING=false the -stream endpoint answers in one event from a non-streaming call", async () => {
  await withApp({ ENABLE_STREAMING: "false" }, async (app, upstream) => {
    upstream.use({ chunks: CHUNKS });
    const result = await readSse(await fetch(streamUrl(app)));
    deepEqual(eventTypes(result), ["content", "done"]);
    equal(result.text, CHUNKS.join(""));
    equal(upstream.requests[0].body.stream, undefined);
    const health = await (await fetch(`${app.url}/api/health`)).json();
    equal(health.streaming, false);
  });
});

Deno.test("a failed non-streaming answer is a 5xx-class JSON error naming the problem, not a 500", async () => {
  await withApp({}, async (app, upstream) => {
    upstream.use({ status: 401 });
    const response = await postJson(`${app.url}/api/character-chat`, { character: "ghost", message: "Boo" });
    equal(response.status, 502);
    const body = await response.json();
    equal(body.code, "auth");
    match(body.error, /OPENAI_API_KEY/);
  });
});

Deno.test("health reports the provider and model, never the key", async () => {
  await withApp({ OPENAI_MODEL: "llama-3" }, async (app, upstream) => {
    const response = await fetch(`${app.url}/api/health`);
    const text = await response.text();
    deepEqual(JSON.parse(text), {
      status: "ok",
      streaming: true,
      rollout: 100,
      // The server is named by its host when it was configured (a found one by what it is).
      llm: { provider: "openai", server: new URL(upstream.baseURL).host, model: "llama-3", reachable: true },
      kv: "ok",
    });
    ok(!text.includes(KEY));
  });
});

Deno.test("bad requests get a clear 4xx JSON error", async () => {
  await withApp({}, async (app, upstream) => {
    const cases: Array<[Promise<Response>, number, RegExp, string?]> = [
      [fetch(streamUrl(app, "character=dracula")), 400, /message is required/, "message"],
      [fetch(streamUrl(app, "character=mummy&message=hi")), 400, /character must be one of/, "character"],
      [
        fetch(streamUrl(app, "character=dracula&message=hi&language=fr")),
        400,
        /language must be one of: en, ja/,
        "language",
      ],
      [
        postJson(`${app.url}/api/character-chat`, { character: "witch", message: "x".repeat(2001) }),
        400,
        /at most 2000/,
        "message",
      ],
      [
        postJson(`${app.url}/api/character-chat`, { character: "witch", message: "hi", stream: "yes" }),
        400,
        /stream must be/,
        "stream",
      ],
      [
        fetch(`${app.url}/api/character-chat`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{nope",
        }),
        400,
        /not valid JSON/,
      ],
      [
        fetch(`${app.url}/api/character-chat`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "[1]",
        }),
        400,
        /JSON object/,
      ],
      [
        fetch(`${app.url}/api/character-chat`, {
          method: "POST",
          headers: { "content-type": "text/plain" },
          body: "hi",
        }),
        415,
        /application\/json/,
      ],
      [
        postJson(`${app.url}/api/character-chat`, { character: "witch", message: "y".repeat(70_000) }),
        413,
        /at most 64 KiB/,
      ],
      [fetch(`${app.url}/api/character-chat`), 405, /use POST/],
      [fetch(`${app.url}/api/no-such-feature-stream`), 404, /no such endpoint/],
      [fetch(`${app.url}/api/deeply/unknown`), 404, /no such endpoint/],
    ];
    for (const [pending, status, message, field] of cases) {
      const response = await pending;
      const body = await response.json();
      equal(response.status, status, JSON.stringify(body));
      match(body.error, message);
      equal(body.field, field);
    }
    equal(upstream.requests.length, 0, "bad input never reaches the model");
  });
});

async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("deltas within STREAMING_FLUSH_MS go out as one event; the first is never held back", async () => {
  const words = Array.from({ length: 60 }, (_, i) => `w${i} `);
  for (const flush of [0, 40]) {
    await withApp({ STREAMING_FLUSH_MS: String(flush) }, async (app, upstream) => {
      upstream.use({ chunks: words, delayMs: 5, firstDelayMs: 100 });
      const started = performance.now();
      let firstAt = 0;
      const result = await readSse(await fetch(streamUrl(app)), (event) => {
        if (event.payload.type === "content" && !firstAt) firstAt = performance.now() - started;
      });
      equal(result.text, words.join(""), `flush ${flush}: every word, in order`);
      deepEqual(result.events.map((e) => Number(e.id)), result.events.map((_, i) => i + 1));
      const contents = result.events.filter((e) => e.payload.type === "content");
      ok(firstAt < 100 + 60, `flush ${flush}: the first word came ${firstAt.toFixed(0)} ms after asking`);
      if (flush === 0) equal(contents.length, words.length, "one event per delta");
      else {
        equal((contents[0].payload as { chunk: string }).chunk, "w0 ", "the first delta alone, at once");
        // 60 deltas 5 ms apart over ~300 ms: about one event per 40 ms.
        ok(contents.length <= 14, `${contents.length} events for ${words.length} deltas`);
        ok(contents.length >= 4, `${contents.length} events: the answer still flows while it is written`);
      }
    });
  }
});
