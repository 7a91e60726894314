/**
 * Restarts nobody notices: an instance that shuts down hands each answer it still runs at the end
 * of its grace over to another instance sharing the store, which goes on from the text kept; the
 * reader, sent elsewhere, reads one answer to `done`, and the history keeps it whole.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { pagePropsOf } from "../support/page_props.ts";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream, sleep } from "../support/fake_upstream.ts";
import { type MainProcess, startMain } from "../support/main_process.ts";
import { readSse, type ReceivedEvent, type SseResult } from "../support/sse_client.ts";
import { GO_ON } from "../../lib/features/feature.ts";
import { withInProcessApp } from "../support/in_process.ts";

const FIRST = Array.from({ length: 300 }, (_, i) => `w${i} `);
const REST = ["and ", "so ", "it ", "ends."];

/** The model: a long answer, and, asked to go on, the rest of it. */
function scriptedUpstream(rest = REST): FakeUpstream {
  const upstream = new FakeUpstream();
  upstream.script = (request) =>
    request.body.messages!.at(-1)!.content === GO_ON.en
      ? { chunks: rest, delayMs: 20 }
      : { chunks: FIRST, delayMs: 20 };
  return upstream;
}

/**
 * Asks `instance` for a long answer and sends it SIGTERM once `after` events have come: what the
 * reader got until the connection ended, and the id of the last event it has.
 */
async function cutByShutdown(
  instance: MainProcess,
  jar: CookieJar,
  { character, message, after }: { character: string; message: string; after: number },
): Promise<{ answerId: string; cut: SseResult; lastId: string }> {
  const answerId = crypto.randomUUID();
  const first: ReceivedEvent[] = [];
  const reading = readSse(
    await jar.post(`${instance.url}/api/character-chat-stream`, { character, message, request_id: answerId }),
    (event) => first.push(event),
  );
  while (first.length < after) await sleep(20);
  instance.process.kill("SIGTERM");
  const cut = await reading;
  return { answerId, cut, lastId: cut.events.findLast((event) => event.id !== undefined)!.id! };
}

/** The rest of the answer, read from `instance` after the reader's last event. */
async function readOn(
  instance: MainProcess,
  jar: CookieJar,
  answerId: string,
  lastId: string,
): Promise<SseResult> {
  return await readSse(
    await jar.fetch(`${instance.url}/api/streams/${answerId}`, {
      headers: { "last-event-id": lastId },
      signal: AbortSignal.timeout(15_000),
    }),
  );
}

Deno.test("SIGTERM hands a running answer over: another instance goes on from its text, the reader reads one answer, history keeps it whole", async () => {
  const upstream = scriptedUpstream();
  const env = {
    OPENAI_BASE_URL: upstream.baseURL,
    KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }),
    STREAM_POLL_MS: "50",
  };
  const leaving = await startMain({ ...env, SHUTDOWN_GRACE: "1" });
  const staying = await startMain(env);
  try {
    const jar = new CookieJar();
    const { answerId, cut, lastId } = await cutByShutdown(leaving, jar, {
      character: "ghost",
      message: "Tell me a long tale",
      after: 20,
    });
    // Told without an id to come back elsewhere, as after a dropped connection.
    const last = cut.events.at(-1)!;
    equal(last.id, undefined);
    deepEqual(last.payload.type === "error" && last.payload.code, "shutdown");
    equal((await leaving.process.status).code, 0);

    const rest = await readOn(staying, jar, answerId, lastId);
    ok(rest.events.every((event) => event.payload.type !== "error"), JSON.stringify(rest.events.at(-1)));
    equal(rest.events.at(-1)!.payload.type, "done");
    equal(Number(rest.events[0].id), Number(lastId) + 1, "it goes on right after what the reader had");
    const whole = cut.text + rest.text;
    ok(whole.startsWith("w0 w1 ") && whole.endsWith("and so it ends."), whole.slice(-60));

    // The model was asked to go on from the text the reader had, as the answer so far.
    const goOn = upstream.requests.at(-1)!.body.messages!;
    equal(goOn.at(-1)!.content, GO_ON.en);
    equal(goOn.at(-2)!.role, "assistant");
    equal(goOn.at(-2)!.content, cut.text);

    // History keeps the one answer, whole and finished.
    const props = pagePropsOf(await (await jar.fetch(staying.url)).text());
    const chat = props.history["character-chat/ghost"];
    equal(chat.length, 2);
    equal(chat[1].content, whole);
    equal(chat[1].incomplete, undefined);
  } finally {
    await leaving.stop().catch(() => {});
    await staying.stop();
    await upstream.close();
  }
});

Deno.test("an answer handed over while nobody reads it is gone on with all the same", async () => {
  const upstream = scriptedUpstream();
  const env = {
    OPENAI_BASE_URL: upstream.baseURL,
    KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }),
    STREAM_POLL_MS: "50",
  };
  const leaving = await startMain({ ...env, SHUTDOWN_GRACE: "5" });
  const staying = await startMain(env);
  try {
    const jar = new CookieJar();
    const answerId = crypto.randomUUID();
    const response = await jar.post(`${leaving.url}/api/character-chat-stream`, {
      character: "witch",
      message: "A long spell, please",
      request_id: answerId,
    });
    await sleep(300);
    await response.body!.cancel(); // the reader went away (a reload)
    leaving.process.kill("SIGTERM");
    equal((await leaving.process.status).code, 0);
    // Nobody reads it: it is taken up all the same, and ends whole, in history.
    const deadline = Date.now() + 15_000;
    let chat;
    while (Date.now() < deadline) {
      const props = pagePropsOf(await (await jar.fetch(staying.url)).text());
      chat = props.history["character-chat/witch"];
      if (chat?.[1]?.content.endsWith("and so it ends.") && !props.active?.length) break;
      await sleep(200);
    }
    ok(chat?.[1]?.content.startsWith("w0 w1 "), chat?.[1]?.content.slice(0, 30));
    ok(chat?.[1]?.content.endsWith("and so it ends."), chat?.[1]?.content.slice(-30));
    equal(chat?.[1]?.incomplete, undefined);
  } finally {
    await leaving.stop().catch(() => {});
    await staying.stop();
    await upstream.close();
  }
});

Deno.test("an instance shutting down starts no new answer: a 503 `shutdown` with Retry-After, which a balancer retries elsewhere", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.use({ chunks: ["Boo."] });
    app.drain();
    const refused = await app.post("/api/character-chat-stream", {
      character: "ghost",
      message: "Hello",
      request_id: crypto.randomUUID(),
    });
    equal(refused.status, 503);
    equal(refused.headers.get("retry-after"), "1");
    equal((await refused.json()).code, "shutdown");
    equal(upstream.requests.length, 0, "the model was not asked");
  });
});

Deno.test("a lone instance restarted takes up the answers it handed over: the reader reads on, one answer, whole", async () => {
  const upstream = scriptedUpstream();
  const env = {
    OPENAI_BASE_URL: upstream.baseURL,
    KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }),
    STREAM_POLL_MS: "50",
  };
  const before = await startMain({ ...env, SHUTDOWN_GRACE: "0" });
  let after;
  try {
    const jar = new CookieJar();
    const { answerId, cut, lastId } = await cutByShutdown(before, jar, {
      character: "dracula",
      message: "Tell me of your castle",
      after: 10,
    });
    equal((await before.process.status).code, 0);
    after = await startMain(env);
    const rest = await readOn(after, jar, answerId, lastId);
    equal(rest.events.at(-1)!.payload.type, "done");
    ok(rest.events.every((event) => event.payload.type !== "error"));
    const whole = cut.text + rest.text;
    ok(whole.startsWith("w0 ") && whole.endsWith("and so it ends."), whole.slice(-40));
    const chat = pagePropsOf(await (await jar.fetch(after.url)).text()).history["character-chat/dracula"];
    equal(chat[1].content, whole);
  } finally {
    await before.stop().catch(() => {});
    await after?.stop();
    await upstream.close();
  }
});

Deno.test("a Stop asked while an answer changes instances reaches the instance that takes it up", async () => {
  const upstream = scriptedUpstream(Array.from({ length: 300 }, (_, i) => `r${i} `));
  const env = {
    OPENAI_BASE_URL: upstream.baseURL,
    KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }),
    STREAM_POLL_MS: "50",
  };
  const leaving = await startMain({ ...env, SHUTDOWN_GRACE: "0" });
  const staying = await startMain(env);
  try {
    const jar = new CookieJar();
    const { answerId, cut, lastId } = await cutByShutdown(leaving, jar, {
      character: "ghost",
      message: "Tell me a long tale",
      after: 10,
    });
    // Stop, asked of the other instance while the answer is handed over (or just taken up).
    const stop = await jar.post(`${staying.url}/api/streams/${answerId}/stop`, {});
    deepEqual(await stop.json(), { stopped: true });
    const rest = await readOn(staying, jar, answerId, lastId);
    equal(rest.events.at(-1)!.payload.type, "done");
    ok(!rest.text.includes("r299"), `it stopped: ${rest.text.length} characters after the handover`);
    const chat = pagePropsOf(await (await jar.fetch(staying.url)).text()).history["character-chat/ghost"];
    equal(chat[1].content, cut.text + rest.text);
    equal(chat[1].incomplete, true, "kept as stopped");
  } finally {
    await leaving.stop().catch(() => {});
    await staying.stop();
    await upstream.close();
  }
});
