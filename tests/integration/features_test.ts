/**
 * All five features over HTTP against the scripted upstream: both languages, streaming and not,
 * with the session keeping conversations and language in Deno KV.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { FEATURE_NAMES } from "../../lib/shared/contract.ts";
import { type InProcessApp, withInProcessApp } from "../support/in_process.ts";
import { withApp as withLoopbackApp } from "../support/app_server.ts";
import { pagePropsOf } from "../support/page_props.ts";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream, sleep } from "../support/fake_upstream.ts";
import { readSse } from "../support/sse_client.ts";

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

const INPUTS: Record<string, Record<string, unknown>> = {
  "character-chat": { character: "witch", message: "What do the stars say?" },
  "trivia-bot": { question: "Where did Halloween begin?" },
  "story-generator": { name: "Mina", theme: "a locked attic", style: "parody" },
  "spell-generator": { purpose: "finding lost keys" },
  "monster-diagnostic": {
    favorite_food: "garlic bread",
    sleep_schedule: "noon to dusk",
    hobby: "organ music",
    fear: "mirrors",
  },
};

/** The app in process (these tests need no socket), answering every question with its start. */
const withApp = (
  env: Record<string, string>,
  body: (app: InProcessApp, upstream: FakeUpstream) => Promise<void>,
) =>
  withInProcessApp(env, (app, upstream) => {
    upstream.script = (request) => ({
      chunks: [`Answer to: `, request.body.messages!.at(-1)!.content.slice(0, 40)],
    });
    return body(app, upstream);
  });

Deno.test("every feature answers in both languages, streaming and not", async () => {
  await withApp({}, async (app, upstream) => {
    for (const feature of FEATURE_NAMES) {
      for (const language of ["en", "ja"] as const) {
        const jar = new CookieJar(app.fetch);
        const body = { ...INPUTS[feature], language };
        const streamed = await readSse(await jar.post(`${app.url}/api/${feature}-stream`, body));
        equal(streamed.status, 200, `${feature} ${language}`);
        match(streamed.text, /^Answer to: /);
        equal(streamed.events.at(-1)?.payload.type, "done");
        const system = upstream.requests.at(-1)!.body.messages![0].content;
        equal(JAPANESE.test(system), language === "ja", `${feature} ${language} system prompt`);

        const json = await jar.post(`${app.url}/api/${feature}`, body);
        equal(json.status, 200, `${feature} ${language} json`);
        match((await json.json()).content, /^Answer to: /);
        equal(upstream.requests.at(-1)!.body.stream, undefined);
      }
    }
    equal(upstream.requests.length, FEATURE_NAMES.length * 4);
  });
});

Deno.test("GET -stream works for every feature from the query string", async () => {
  await withApp({}, async (app) => {
    for (const feature of FEATURE_NAMES) {
      const query = new URLSearchParams(INPUTS[feature] as Record<string, string>);
      const result = await readSse(await app.fetch(`${app.url}/api/${feature}-stream?${query}`));
      equal(result.status, 200, feature);
      match(result.text, /^Answer to: /, feature);
    }
  });
});

Deno.test("a conversation's earlier turns come from the session, and only that session's", async () => {
  await withApp({}, async (app, upstream) => {
    const alice = new CookieJar(app.fetch);
    const bob = new CookieJar(app.fetch);
    await readSse(
      await alice.post(`${app.url}/api/character-chat`, {
        character: "ghost",
        message: "I am Alice",
        stream: true,
      }),
    );
    await readSse(
      await bob.post(`${app.url}/api/character-chat`, {
        character: "ghost",
        message: "I am Bob",
        stream: true,
      }),
    );
    await readSse(
      await alice.post(`${app.url}/api/character-chat`, {
        character: "ghost",
        message: "Who am I?",
        stream: true,
      }),
    );
    const sent = upstream.requests.at(-1)!.body.messages!.slice(1);
    deepEqual(sent, [
      { role: "user", content: "I am Alice" },
      { role: "assistant", content: "Answer to: I am Alice" },
      { role: "user", content: "Who am I?" },
    ]);
    ok(!JSON.stringify(sent).includes("Bob"), "Bob's turn never reaches Alice's context");
    // Another character is another conversation.
    await readSse(
      await alice.post(`${app.url}/api/character-chat`, { character: "dracula", message: "Hello" }, {
        accept: "text/event-stream",
      }),
    );
    equal(upstream.requests.at(-1)!.body.messages!.length, 2);
  });
});

Deno.test("the session cookie is HttpOnly, SameSite=Lax, and Secure behind https", async () => {
  await withApp({ TRUST_PROXY: "true" }, async (app) => {
    const plain = new CookieJar(app.fetch);
    await plain.post(`${app.url}/api/set-language`, { language: "ja" });
    match(
      plain.raw[0],
      /^kabotan_session=[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    const https = new CookieJar(app.fetch);
    await https.post(`${app.url}/api/set-language`, { language: "ja" }, { "x-forwarded-proto": "https" });
    match(https.raw[0], /; Secure/);
  });
});

Deno.test("a forged or unknown session cookie gets a new session, not someone else's", async () => {
  await withApp({}, async (app) => {
    const jar = new CookieJar(app.fetch);
    jar.cookies.set("kabotan_session", "forged");
    await jar.post(`${app.url}/api/set-language`, { language: "ja" });
    ok(jar.cookies.get("kabotan_session") !== "forged");
  });
});

Deno.test("the language is kept by the session and the page follows it; a first visit follows Accept-Language", async () => {
  await withApp({}, async (app, upstream) => {
    const first = await (await app.fetch(app.url, { headers: { "accept-language": "ja-JP,ja;q=0.9" } }))
      .text();
    match(first, /<html lang="ja"/);
    match(first, /送信/);
    const jar = new CookieJar(app.fetch);
    deepEqual(await (await jar.post(`${app.url}/api/set-language`, { language: "ja" })).json(), {
      language: "ja",
    });
    const page = await (await jar.fetch(app.url, { headers: { "accept-language": "en" } })).text();
    match(page, /<html lang="ja"/);
    await readSse(await jar.post(`${app.url}/api/spell-generator-stream`, {}));
    ok(
      JAPANESE.test(upstream.requests.at(-1)!.body.messages![0].content),
      "no language in the request: the session's",
    );
    const bad = await jar.post(`${app.url}/api/set-language`, { language: "fr" });
    equal(bad.status, 400);
    equal((await bad.json()).field, "language");
  });
});

Deno.test("the page shows the session's history again after a reload", async () => {
  await withApp({}, async (app) => {
    const jar = new CookieJar(app.fetch);
    await readSse(
      await jar.post(`${app.url}/api/character-chat-stream`, {
        character: "jack",
        message: "Trick or treat?",
      }),
    );
    const page = await (await jar.fetch(app.url)).text();
    const props = pagePropsOf(page);
    const [question, answer] = props.history["character-chat/jack"];
    match(question.turn_id, /^[0-9a-z]{18}$/, "each message names its turn");
    deepEqual({ ...question, turn_id: undefined }, {
      role: "user",
      content: "Trick or treat?",
      lang: "en",
      turn_id: undefined,
    });
    deepEqual({ ...answer, stats: undefined }, {
      role: "assistant",
      content: "Answer to: Trick or treat?",
      lang: "en",
      stats: undefined,
      turn_id: question.turn_id,
    });
    ok(answer.stats.first_chunk_ms >= 0, "how soon it came is kept with the answer");
    const stranger = await (await app.fetch(app.url)).text();
    ok(!stranger.includes("Trick or treat?"));
  });
});

Deno.test("a stopped answer is kept in the history, marked incomplete", async () => {
  // Over a socket: a client going away is a closed connection, which cancels the answer.
  await withLoopbackApp({}, async (app, upstream) => {
    upstream.script = () => ({ chunks: Array.from({ length: 50 }, (_, i) => `w${i} `), delayMs: 30 });
    const jar = new CookieJar();
    const client = new AbortController();
    const response = await jar.fetch(`${app.url}/api/trivia-bot-stream`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question: "Tell me everything" }),
      signal: client.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    await sleep(200);
    client.abort();
    await reader.read().catch(() => {});
    await upstream.nextClose();
    await sleep(100);
    const page = await (await jar.fetch(app.url)).text();
    const trivia = pagePropsOf(page).history["trivia-bot"];
    equal(trivia.length, 2);
    equal(trivia[1].incomplete, true);
    match(trivia[1].content, /^w0 w1 /);
    ok(trivia[1].content.length < 50 * 4);
  });
});

Deno.test("a failed answer is kept as incomplete too", async () => {
  await withApp({}, async (app, upstream) => {
    upstream.script = () => ({ chunks: ["half ", "of ", "it"], dropAfter: 2 });
    const jar = new CookieJar(app.fetch);
    const result = await readSse(
      await jar.post(`${app.url}/api/character-chat-stream`, { character: "ghost", message: "Hi" }),
    );
    equal(result.text, "half of ");
    await sleep(50);
    upstream.script = () => ({ chunks: ["ok"] });
    await readSse(
      await jar.post(`${app.url}/api/character-chat-stream`, { character: "ghost", message: "Again" }),
    );
    deepEqual(upstream.requests.at(-1)!.body.messages!.slice(1).map((m) => m.content), [
      "Hi",
      "half of ",
      "Again",
    ]);
  });
});

Deno.test("asking the same again after an unfinished answer retries that turn instead of repeating it", async () => {
  await withApp({}, async (app, upstream) => {
    upstream.script = () => ({ chunks: ["cut ", "short"], dropAfter: 1 });
    const jar = new CookieJar(app.fetch);
    const first = await readSse(
      await jar.post(`${app.url}/api/character-chat-stream`, { character: "witch", message: "Hello" }),
    );
    equal(first.text, "cut ");
    upstream.script = () => ({ chunks: ["whole answer"] });
    await readSse(
      await jar.post(`${app.url}/api/character-chat-stream`, { character: "witch", message: "Hello" }),
    );
    deepEqual(
      upstream.requests[1].body.messages,
      upstream.requests[0].body.messages,
      "the retry is the same request",
    );
    const page = await (await jar.fetch(app.url)).text();
    const kept = pagePropsOf(page).history["character-chat/witch"];
    deepEqual(kept.map(({ role, content }: { role: string; content: string }) => ({ role, content })), [
      { role: "user", content: "Hello" },
      { role: "assistant", content: "whole answer" },
    ]);
    // After a finished answer, the same words are a new turn.
    await readSse(
      await jar.post(`${app.url}/api/character-chat-stream`, { character: "witch", message: "Hello" }),
    );
    equal(upstream.requests[2].body.messages!.length, 4);
  });
});

Deno.test("stories and spells start afresh; a diagnosis takes follow-up questions", async () => {
  await withApp({}, async (app, upstream) => {
    const jar = new CookieJar(app.fetch);
    await jar.post(`${app.url}/api/story-generator`, INPUTS["story-generator"]);
    await jar.post(`${app.url}/api/story-generator`, INPUTS["story-generator"]);
    equal(
      upstream.requests.at(-1)!.body.messages!.length,
      2,
      "the second story has no earlier story as context",
    );

    const early = await jar.post(`${app.url}/api/monster-diagnostic`, { question: "Can I go out by day?" });
    equal(early.status, 400);
    deepEqual(await early.json(), { error: "ask for a diagnosis before asking about it", field: "question" });

    await jar.post(`${app.url}/api/monster-diagnostic`, INPUTS["monster-diagnostic"]);
    await jar.post(`${app.url}/api/monster-diagnostic`, { question: "Can I go out by day?" });
    const sent = upstream.requests.at(-1)!.body.messages!;
    equal(sent.length, 4);
    match(sent[1].content, /garlic bread/);
    equal(sent[3].content, "Can I go out by day?");
  });
});

Deno.test("DELETE /api/history/{feature} clears that feature's conversations only", async () => {
  await withApp({}, async (app, upstream) => {
    const jar = new CookieJar(app.fetch);
    await jar.post(`${app.url}/api/character-chat`, { character: "witch", message: "one" });
    await jar.post(`${app.url}/api/trivia-bot`, { question: "two" });
    const cleared = await jar.fetch(`${app.url}/api/history/character-chat`, { method: "DELETE" });
    deepEqual(await cleared.json(), { cleared: "character-chat" });
    await jar.post(`${app.url}/api/character-chat`, { character: "witch", message: "three" });
    equal(upstream.requests.at(-1)!.body.messages!.length, 2);
    await jar.post(`${app.url}/api/trivia-bot`, { question: "four" });
    equal(upstream.requests.at(-1)!.body.messages!.length, 4);
    equal((await jar.fetch(`${app.url}/api/history/nope`, { method: "DELETE" })).status, 404);
  });
});

Deno.test("history and language survive a restart on the same KV file", async () => {
  const path = await Deno.makeTempFile({ suffix: ".kv" });
  // One browser across both runs of the app: its jar sends to whichever runs now.
  let running: typeof fetch = () => Promise.reject(new Error("no app"));
  const jar = new CookieJar((input, init) => running(input, init));
  await withApp({ KV_PATH: path }, async (app) => {
    running = app.fetch;
    await jar.post(`${app.url}/api/set-language`, { language: "ja" });
    await readSse(
      await jar.post(`${app.url}/api/character-chat-stream`, {
        character: "frankenstein",
        message: "Are you lonely?",
      }),
    );
  });
  await withApp({ KV_PATH: path }, async (app, upstream) => {
    running = app.fetch;
    const page = await (await jar.fetch(app.url)).text();
    match(page, /<html lang="ja"/);
    match(page, /Are you lonely\?/);
    await readSse(
      await jar.post(`${app.url}/api/character-chat-stream`, {
        character: "frankenstein",
        message: "Still?",
      }),
    );
    deepEqual(upstream.requests[0].body.messages!.slice(1).map((m) => m.content), [
      "Are you lonely?",
      "Answer to: Are you lonely?",
      "Still?",
    ]);
  });
});

Deno.test("DELETE /api/history/character-chat/{character} clears that character's chat only", async () => {
  await withApp({}, async (app, upstream) => {
    const jar = new CookieJar(app.fetch);
    await jar.post(`${app.url}/api/character-chat`, { character: "witch", message: "one" });
    await jar.post(`${app.url}/api/character-chat`, { character: "ghost", message: "two" });
    const cleared = await jar.fetch(`${app.url}/api/history/character-chat/witch`, { method: "DELETE" });
    deepEqual(await cleared.json(), { cleared: "character-chat/witch" });
    await jar.post(`${app.url}/api/character-chat`, { character: "witch", message: "three" });
    equal(upstream.requests.at(-1)!.body.messages!.length, 2, "the witch remembers nothing");
    await jar.post(`${app.url}/api/character-chat`, { character: "ghost", message: "four" });
    equal(upstream.requests.at(-1)!.body.messages!.length, 4, "the ghost still remembers");
    equal(
      (await jar.fetch(`${app.url}/api/history/character-chat/Not%20Valid`, { method: "DELETE" })).status,
      400,
    );
  });
});

Deno.test("regenerate replaces the last finished turn; a failure is kept with its code, never sent again", async () => {
  await withApp({}, async (app, upstream) => {
    const jar = new CookieJar(app.fetch);
    const ask = (body: Record<string, unknown>) =>
      jar.post(`${app.url}/api/character-chat-stream`, { character: "witch", ...body }).then(readSse);
    const stored = async () => {
      const page = await (await jar.fetch(app.url)).text();
      return pagePropsOf(page)
        .history["character-chat/witch"] as Array<
          { role: string; content: string; error?: string }
        >;
    };
    upstream.use({ chunks: ["first"] }, { chunks: ["second"] });
    await ask({ message: "Hello" });
    await ask({ message: "Hello", regenerate: true });
    deepEqual((await stored()).map((m) => m.content), ["Hello", "second"]);
    equal(upstream.requests[1].body.messages!.length, 2, "the replaced answer is not context");

    upstream.use({ status: 401 });
    await ask({ message: "Are you there?" });
    const failed = (await stored()).at(-1)!;
    deepEqual({ role: failed.role, content: failed.content, error: failed.error }, {
      role: "assistant",
      content: "",
      error: "auth",
    });
    upstream.use({ chunks: ["later"] });
    await ask({ message: "Something else" });
    deepEqual(
      upstream.requests.at(-1)!.body.messages!.slice(1).map((m) => m.content),
      ["Hello", "second", "Something else"],
      "the failed question and its empty answer stay out of the context",
    );
  });
});
