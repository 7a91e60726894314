/**
 * Resumable answers over loopback: disconnect and resume at random points, Stop, the grace
 * period, and the ways a resume can be refused.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { type RunningApp, withApp as withUpstreamApp } from "../support/app_server.ts";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream, sleep } from "../support/fake_upstream.ts";
import { mulberry32 } from "../support/random.ts";
import { readSse } from "../support/sse_client.ts";
import { createParser } from "eventsource-parser";

const withApp = (
  env: Record<string, string>,
  body: (app: RunningApp, upstream: FakeUpstream) => Promise<void>,
) => withUpstreamApp({ STREAM_POLL_MS: "20", ...env }, body);

interface Got {
  id: number;
  type: string;
  chunk?: string;
}

/** Reads up to `limit` events of a response, then drops the connection. */
async function readSome(response: Response, limit: number): Promise<Got[]> {
  const got: Got[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const parser = createParser({
    onEvent(message) {
      const data = JSON.parse(message.data);
      got.push({ id: Number(message.id), type: data.type, chunk: data.chunk });
    },
  });
  while (got.length < limit && got.at(-1)?.type !== "done") {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  await reader.cancel().catch(() => {});
  return got;
}

Deno.test("disconnecting and resuming at random points loses nothing, repeats nothing, asks the model once", async () => {
  // One event per delta (no coalescing), so that there are many points to cut at.
  await withApp({ STREAMING_FLUSH_MS: "0" }, async (app, upstream) => {
    for (let seed = 1; seed <= 30; seed++) {
      const random = mulberry32(seed);
      const chunks = Array.from({ length: 20 + Math.floor(random() * 40) }, (_, i) => `s${seed}c${i} `);
      upstream.use({ chunks, delayMs: 1 + Math.floor(random() * 4) });
      const before = upstream.requests.length;
      const jar = new CookieJar();
      const answerId = crypto.randomUUID();
      const body = { character: "ghost", message: `seed ${seed}`, request_id: answerId };
      const got: Got[] = [];
      let connections = 0;
      while (got.at(-1)?.type !== "done") {
        const last = got.at(-1)?.id ?? 0;
        const limit = 1 + Math.floor(random() * 15);
        const way = connections === 0 ? 0 : Math.floor(random() * 3);
        const response = way === 0
          ? await jar.post(`${app.url}/api/character-chat-stream`, {
            ...body,
            ...(last ? { last_event_id: last } : {}),
          })
          : way === 1
          ? await jar.fetch(`${app.url}/api/streams/${answerId}`, {
            headers: { "last-event-id": String(last) },
          })
          : await jar.fetch(
            // EventSource's way: the same parameters in the query string, Last-Event-ID in a header.
            `${app.url}/api/character-chat-stream?${new URLSearchParams(body)}`,
            { headers: { "last-event-id": String(last) } },
          );
        connections++;
        equal(response.status, 200, `seed ${seed}`);
        got.push(...await readSome(response, limit));
        if (random() < 0.3) await sleep(Math.floor(random() * 30));
      }
      deepEqual(got.map((e) => e.id), got.map((_, i) => i + 1), `seed ${seed}: ids without gap or repeat`);
      equal(got.map((e) => e.chunk ?? "").join(""), chunks.join(""), `seed ${seed}: the text`);
      equal(upstream.requests.length - before, 1, `seed ${seed}: one upstream call`);
      ok(connections >= 2, `seed ${seed}`);
    }
  });
});

Deno.test("the same request_id with other parameters is a 409; unknown or other sessions' ids are 404", async () => {
  await withApp({}, async (app, upstream) => {
    upstream.use({ chunks: ["a", "b"], delayMs: 20 });
    const jar = new CookieJar();
    const answerId = crypto.randomUUID();
    const first = await jar.post(`${app.url}/api/trivia-bot-stream`, {
      question: "one",
      request_id: answerId,
    });
    const conflict = await jar.post(`${app.url}/api/trivia-bot-stream`, {
      question: "two",
      request_id: answerId,
    });
    equal(conflict.status, 409);
    deepEqual(await conflict.json(), {
      error: "this request_id belongs to a request with other parameters",
      field: "request_id",
    });
    await readSse(first);

    const stranger = new CookieJar();
    const theirs = await stranger.fetch(`${app.url}/api/streams/${answerId}`);
    equal(theirs.status, 404);
    await theirs.body?.cancel();
    const hijack = await stranger.post(`${app.url}/api/trivia-bot-stream`, {
      question: "one",
      request_id: answerId,
    });
    equal(hijack.status, 404, "a request_id of another session is not theirs to read");
    await hijack.body?.cancel();
    const stopTheirs = await stranger.post(`${app.url}/api/streams/${answerId}/stop`, {});
    equal(stopTheirs.status, 404);
    await stopTheirs.body?.cancel();

    const unknown = await jar.fetch(`${app.url}/api/streams/${crypto.randomUUID()}`);
    equal(unknown.status, 404);
    await unknown.body?.cancel();
    const resumeUnknown = await jar.post(`${app.url}/api/trivia-bot-stream`, {
      question: "x",
      request_id: crypto.randomUUID(),
      last_event_id: 5,
    });
    equal(resumeUnknown.status, 404);
    match((await resumeUnknown.json()).error, /no such stream/);
    equal(upstream.requests.length, 1);
  });
});

Deno.test("a finished answer is replayed to a late reader, and a reader who has it all gets 204", async () => {
  await withApp({}, async (app, upstream) => {
    upstream.use({ chunks: ["all ", "of ", "it"] });
    const jar = new CookieJar();
    const answerId = crypto.randomUUID();
    const live = await readSse(
      await jar.post(`${app.url}/api/spell-generator-stream`, { request_id: answerId }),
    );
    const replay = await readSse(await jar.fetch(`${app.url}/api/streams/${answerId}`));
    deepEqual(replay.events, live.events);
    const last = live.events.at(-1)!.id!;
    const nothing = await jar.fetch(`${app.url}/api/streams/${answerId}`, {
      headers: { "last-event-id": last },
    });
    equal(nothing.status, 204);
    equal(upstream.requests.length, 1);
  });
});

Deno.test("bad request_id and Last-Event-ID values are clear 400s", async () => {
  await withApp({}, async (app) => {
    const jar = new CookieJar();
    const cases: Array<[Promise<Response>, string]> = [
      [jar.post(`${app.url}/api/trivia-bot-stream`, { request_id: "not-a-uuid" }), "request_id"],
      [
        jar.post(`${app.url}/api/trivia-bot-stream`, { request_id: crypto.randomUUID(), last_event_id: -1 }),
        "last_event_id",
      ],
      [
        jar.fetch(`${app.url}/api/streams/${crypto.randomUUID()}`, {
          headers: { "last-event-id": "9".repeat(40) },
        }),
        "last_event_id",
      ],
      [jar.fetch(`${app.url}/api/streams/nope`), "request_id"],
      [jar.post(`${app.url}/api/streams/nope/stop`, {}), "request_id"],
    ];
    for (const [pending, field] of cases) {
      const response = await pending;
      equal(response.status, 400);
      equal((await response.json()).field, field);
    }
  });
});

Deno.test("Stop aborts the upstream within 200 ms, ends the reader with done, and keeps the partial text", async () => {
  await withApp({}, async (app, upstream) => {
    upstream.use({ chunks: Array.from({ length: 200 }, (_, i) => `${i} `), delayMs: 20 });
    const jar = new CookieJar();
    const answerId = crypto.randomUUID();
    const response = await jar.post(`${app.url}/api/character-chat-stream`, {
      character: "dracula",
      message: "Count slowly",
      request_id: answerId,
    });
    const reading = readSse(response);
    await sleep(150);
    const closed = upstream.nextClose();
    const asked = performance.now();
    const stop = await jar.post(`${app.url}/api/streams/${answerId}/stop`, {});
    deepEqual(await stop.json(), { stopped: true });
    await closed;
    const latency = performance.now() - asked;
    console.log(`Stop → upstream connection closed: ${latency.toFixed(1)} ms`);
    ok(latency < 200, `${latency} ms`);
    const result = await reading;
    const last = result.events.at(-1)!.payload;
    equal(last.type, "done");
    ok(last.type === "done" && last.stats!.tokens > 0, "the stats of the part that was generated");
    ok(result.events.every((e) => e.payload.type !== "error"));
    await sleep(50);
    const page = await (await jar.fetch(app.url)).text();
    match(page, /&quot;incomplete&quot;:true/);
    const again = await jar.post(`${app.url}/api/streams/${answerId}/stop`, {});
    deepEqual(await again.json(), { stopped: false, finished: true });
  });
});

Deno.test("an answer nobody reads any more is stopped after the grace period; one without request_id at once", async () => {
  await withApp({ STREAM_RESUME_GRACE: "1" }, async (app, upstream) => {
    upstream.use({ chunks: Array.from({ length: 500 }, (_, i) => `${i} `), delayMs: 10 });
    const jar = new CookieJar();
    const resumable = await jar.post(`${app.url}/api/trivia-bot-stream`, { request_id: crypto.randomUUID() });
    await readSome(resumable, 3);
    const left = performance.now();
    await sleep(500);
    equal(upstream.open, 1, "still generating within the grace period");
    await upstream.nextClose();
    const after = performance.now() - left;
    ok(after >= 900 && after < 2000, `stopped ${after} ms after the reader left`);

    const plain = await jar.post(`${app.url}/api/trivia-bot-stream`, {});
    const closed = upstream.nextClose();
    await readSome(plain, 3);
    const cut = performance.now();
    await closed;
    ok(performance.now() - cut < 1000);
  });
});

Deno.test("a reload finds the running answer in the page, and KV writes stay far below one per event", async () => {
  // One event per delta (no coalescing): the log's batching alone keeps KV writes down.
  await withApp({ STREAMING_FLUSH_MS: "0" }, async (app, upstream) => {
    upstream.use({ chunks: Array.from({ length: 300 }, (_, i) => `${i} `), delayMs: 2 });
    const jar = new CookieJar();
    const answerId = crypto.randomUUID();
    const response = await jar.post(`${app.url}/api/character-chat-stream`, {
      character: "witch",
      message: "Go",
      request_id: answerId,
    });
    await readSome(response, 2);
    const page = await (await jar.fetch(app.url)).text();
    ok(page.includes(answerId), "the page lists the running answer to re-attach to");
    const rest = await readSse(await jar.fetch(`${app.url}/api/streams/${answerId}`));
    equal(rest.text, Array.from({ length: 300 }, (_, i) => `${i} `).join(""));
    const batches = await Array.fromAsync(app.kv.list({ prefix: ["stream_events", answerId] }));
    ok(
      batches.length * 5 < rest.events.length,
      `${batches.length} KV batches for ${rest.events.length} events`,
    );
    await sleep(50);
    ok(
      !(await (await jar.fetch(app.url)).text()).includes(answerId),
      "a finished answer is no longer listed",
    );
  });
});
