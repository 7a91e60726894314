/**
 * Conversations people can keep, over the API: many per character and a shelf of results, edits
 * that branch, answers kept as versions; ownership, bounds and deletion; two instances on one KV.
 */
import { deepEqual, equal, match, notEqual, ok } from "node:assert/strict";
import { TEST_ENV } from "../support/app_server.ts";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream } from "../support/fake_upstream.ts";
import { type InProcessApp, withInProcessApp } from "../support/in_process.ts";
import { startMain } from "../support/main_process.ts";
import { pagePropsOf } from "../support/page_props.ts";
import { readSse } from "../support/sse_client.ts";

/** The model answers "re: <the question>", and the test can see every message it was sent. */
const withApp = (
  env: Record<string, string>,
  body: (app: InProcessApp, upstream: FakeUpstream) => Promise<void>,
) =>
  withInProcessApp(env, (app, upstream) => {
    upstream.script = (request) => ({
      chunks: ["re: ", request.body.messages!.at(-1)!.content.slice(0, 60)],
    });
    return body(app, upstream);
  });

const json = async (response: Response) => ({ status: response.status, body: await response.json() });
const chat = (app: InProcessApp, message: string, extra: Record<string, unknown> = {}) =>
  app.post("/api/character-chat", { character: "witch", message, ...extra }).then(json);
const shown = (
  messages: Array<{ role: string; content: string; branch?: { index: number; count: number } }>,
) =>
  messages.map((m) => `${m.role[0]}:${m.content}${m.branch ? ` (${m.branch.index}/${m.branch.count})` : ""}`);

Deno.test("New chat: a new id starts a conversation, the earlier one stays listed and opens whole", async () => {
  await withApp({}, async (app) => {
    const first = await chat(app, "Hello");
    equal(first.status, 200);
    match(first.body.conversation_id, /^[0-9a-f-]{36}$/, "the answer names its conversation");
    match(first.body.turn_id, /^[0-9a-z]{18}$/, "and its turn");
    await chat(app, "How are you?");
    const second = crypto.randomUUID();
    const fresh = await chat(app, "A new topic", { conversation_id: second });
    equal(fresh.body.conversation_id, second);
    equal(fresh.body.content, "re: A new topic");

    const listed = await json(await app.request("/api/conversations?feature=character-chat&character=witch"));
    deepEqual(listed.body.conversations.map((c: { title: string }) => c.title), ["A new topic", "Hello"]);
    equal(listed.body.conversations[0].lang, "en");
    const opened = await json(await app.request(`/api/conversations/${first.body.conversation_id}`));
    deepEqual(shown(opened.body.messages), [
      "u:Hello",
      "a:re: Hello",
      "u:How are you?",
      "a:re: How are you?",
    ]);
    equal(opened.body.conversation.shelf, "character-chat/witch");

    // Going on with the first: the model gets that conversation, nothing of the other.
    await chat(app, "Back again", { conversation_id: first.body.conversation_id });
    const page = pagePropsOf(await (await app.request(`/?conversation=${second}`)).text());
    equal(page.open["character-chat/witch"], second, "the URL's conversation is the one shown");
    deepEqual(page.conversations.length, 2);
  });
});

Deno.test("a story, a spell, a diagnosis: each new request adds to the shelf instead of replacing", async () => {
  await withApp({}, async (app) => {
    for (const theme of ["a locked attic", "fog"]) {
      equal((await app.post("/api/story-generator", { name: "Mina", theme })).status, 200);
    }
    for (const purpose of ["lost keys", "sleep"]) {
      equal((await app.post("/api/spell-generator", { purpose })).status, 200);
    }
    const { body } = await json(await app.request("/api/conversations"));
    deepEqual(
      body.conversations.map((c: { feature: string; title: string }) => `${c.feature}: ${c.title}`),
      [
        "spell-generator: sleep",
        "spell-generator: lost keys",
        "story-generator: Mina · fog",
        "story-generator: Mina · a locked attic",
      ],
    );
    for (const summary of body.conversations) {
      const opened = await json(await app.request(`/api/conversations/${summary.id}`));
      equal(opened.body.messages.length, 2, "each keeps its own result");
    }
    // Naming an earlier story's conversation for a new story is refused: a new one needs a new id.
    const taken = await app.post("/api/story-generator", {
      name: "Mina",
      theme: "a third",
      conversation_id: body.conversations[2].id,
    });
    equal(taken.status, 409);
    equal((await taken.json()).field, "conversation_id");
  });
});

Deno.test("edit: a new branch from the edited question, the model gets only it, both branches can be shown", async () => {
  await withApp({}, async (app, upstream) => {
    const id = crypto.randomUUID();
    await chat(app, "one", { conversation_id: id });
    const two = await chat(app, "two", { conversation_id: id });
    await chat(app, "three", { conversation_id: id });
    const events = await readSse(
      await app.post("/api/character-chat-stream", {
        character: "witch",
        message: "two, edited",
        conversation_id: id,
        edit: true,
        turn_id: two.body.turn_id,
      }),
    );
    const done = events.events.at(-1)!.payload as {
      type: string;
      turn_id?: string;
      conversation_id?: string;
    };
    equal(done.type, "done");
    equal(done.conversation_id, id);
    notEqual(done.turn_id, two.body.turn_id, "a turn of its own");
    deepEqual(
      upstream.requests.at(-1)!.body.messages!.slice(1).map((m) => m.content),
      ["one", "re: one", "two, edited"],
      "nothing of the earlier branch",
    );
    const opened = await json(await app.request(`/api/conversations/${id}`));
    deepEqual(shown(opened.body.messages), [
      "u:one",
      "a:re: one",
      "u:two, edited (2/2)",
      "a:re: two, edited",
    ]);

    const back = await app.post(`/api/conversations/${id}/turns/${done.turn_id}/show`, { branch: 1 });
    equal(back.status, 200);
    deepEqual(shown((await back.json()).messages), [
      "u:one",
      "a:re: one",
      "u:two (1/2)",
      "a:re: two",
      "u:three",
      "a:re: three",
    ]);
    await chat(app, "four", { conversation_id: id });
    deepEqual(
      upstream.requests.at(-1)!.body.messages!.slice(1).map((m) => m.content),
      ["one", "re: one", "two", "re: two", "three", "re: three", "four"],
      "the branch shown is the one that goes on",
    );

    // Regenerate keeps versions; the versions endpoint lists them, show picks one.
    upstream.script = () => ({ chunks: ["another take"] });
    const again = await chat(app, "four", { conversation_id: id, regenerate: true });
    const versions = await json(
      await app.request(`/api/conversations/${id}/turns/${again.body.turn_id}/versions`),
    );
    deepEqual(versions.body.versions.map((v: { content: string }) => v.content), [
      "re: four",
      "another take",
    ]);
    equal(versions.body.shown, 2);
    const first = await app.post(`/api/conversations/${id}/turns/${again.body.turn_id}/show`, { version: 1 });
    const last = (await first.json()).messages.at(-1);
    deepEqual([last.content, last.version], ["re: four", { index: 1, count: 2 }]);
  });
});

Deno.test("another session's conversations are indistinguishable from missing; bad ids and bodies are 400s", async () => {
  await withApp({}, async (owner) => {
    const id = (await chat(owner, "mine")).body.conversation_id as string;
    const turn = (await json(await owner.request(`/api/conversations/${id}`))).body.messages[0].turn_id;
    const stranger = owner.client();
    await chat(stranger, "hello"); // a session of its own
    const missing = crypto.randomUUID();
    for (const target of [id, missing]) {
      for (
        const [method, path, body] of [
          ["GET", `/api/conversations/${target}`],
          ["PATCH", `/api/conversations/${target}`, { title: "stolen" }],
          ["DELETE", `/api/conversations/${target}`],
          ["GET", `/api/conversations/${target}/turns/${turn}/versions`],
          ["POST", `/api/conversations/${target}/turns/${turn}/show`, { version: 1 }],
        ] as const
      ) {
        const response = await stranger.request(path, {
          method,
          ...(body ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
        });
        const answer = await response.json();
        equal(response.status, 404, `${method} ${path}`);
        deepEqual(answer, { error: "no such conversation", field: "conversation_id" }, `${method} ${path}`);
      }
    }
    // Asking with another session's id starts a conversation of the asker's own: nothing of the owner's.
    const asked = await chat(stranger, "is anyone here?", { conversation_id: id });
    equal(asked.status, 200);
    const strangers = await json(await stranger.request(`/api/conversations/${id}`));
    deepEqual(shown(strangers.body.messages), ["u:is anyone here?", "a:re: is anyone here?"]);
    const owners = await json(await owner.request(`/api/conversations/${id}`));
    deepEqual(shown(owners.body.messages), ["u:mine", "a:re: mine"], "the owner's is untouched");

    const bad = async (path: string, init: RequestInit, field: string) => {
      const response = await owner.request(path, init);
      equal(response.status, 400, path);
      equal((await response.json()).field, field, path);
    };
    await bad("/api/conversations/not-an-id", {}, "conversation_id");
    await bad(`/api/conversations/${id}/turns/NOT!/versions`, {}, "turn_id");
    await bad(`/api/conversations/${id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "   " }),
    }, "title");
    await bad(`/api/conversations/${id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "x".repeat(81) }),
    }, "title");
    await bad(`/api/conversations?feature=nope`, {}, "feature");
    await bad(`/api/conversations/${id}?limit=0`, {}, "limit");
    const show = await owner.post(`/api/conversations/${id}/turns/${turn}/show`, { version: "1" });
    equal(show.status, 400);
    const edit = await owner.post("/api/character-chat", { character: "witch", message: "x", edit: true });
    deepEqual([edit.status, (await edit.json()).field], [400, "turn_id"]);
    const wrongShelf = await owner.post("/api/character-chat", {
      character: "ghost",
      message: "x",
      conversation_id: id,
    });
    deepEqual([wrongShelf.status, (await wrongShelf.json()).field], [404, "conversation_id"]);
    const unknownTurn = await owner.post("/api/character-chat", {
      character: "witch",
      message: "x",
      conversation_id: id,
      edit: true,
      turn_id: "000000000000000000",
    });
    deepEqual([unknownTurn.status, (await unknownTurn.json()).field], [404, "turn_id"]);
    const renamed = await owner.request(`/api/conversations/${id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "  Spells  and  stars " }),
    });
    equal((await renamed.json()).conversation.title, "Spells and stars");
  });
});

Deno.test("the conversation API keeps the same-origin and rate rules", async () => {
  await withApp({ RATE_LIMIT_CONVERSATIONS: "3" }, async (app) => {
    const id = (await chat(app, "hi")).body.conversation_id as string;
    const crossSite = await app.request(`/api/conversations/${id}`, {
      method: "DELETE",
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    equal(crossSite.status, 403);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.request("/api/conversations")).status);
    deepEqual(statuses, [200, 200, 200, 429]);
    const limited = await app.request("/api/conversations");
    equal((await limited.json()).code, "too_many_requests");
    ok(Number(limited.headers.get("retry-after")) >= 1);
    equal((await app.request("/")).status, 200, "the page is not counted here");
  });
});

Deno.test("deleting a conversation removes every KV entry of it, long answers and versions included", async () => {
  await withApp({}, async (app, upstream) => {
    const count = async () => {
      let n = 0;
      for await (const _ of app.kv.list({ prefix: [] })) n++;
      return n;
    };
    await chat(app, "keep this one");
    const before = await count();
    const id = crypto.randomUUID();
    upstream.script = () => ({ chunks: ["長い答え".repeat(20_000)] }); // 80,000 characters: chunked
    await chat(app, "a long one", { conversation_id: id });
    await chat(app, "a long one", { conversation_id: id, regenerate: true });
    ok(await count() > before + 5, "it took many entries");
    const deleted = await app.request(`/api/conversations/${id}`, { method: "DELETE" });
    deepEqual(await deleted.json(), { deleted: id });
    equal(await count(), before, "every entry of it is gone, the other conversation's kept");
    equal((await app.request(`/api/conversations/${id}`)).status, 404);
    equal((await app.request(`/api/conversations/${id}`, { method: "DELETE" })).status, 404);
  });
});

Deno.test("two instances on one KV show the same conversations, renames and deletions", async () => {
  const upstream = new FakeUpstream();
  upstream.script = (request) => ({ chunks: ["re: ", request.body.messages!.at(-1)!.content] });
  const kvPath = await Deno.makeTempFile({ suffix: ".kv" });
  const env = { ...TEST_ENV, OPENAI_BASE_URL: upstream.baseURL, KV_PATH: kvPath };
  const a = await startMain(env);
  const b = await startMain(env);
  try {
    const jar = new CookieJar();
    const ask = async (url: string, message: string, conversation_id: string) =>
      await (await jar.post(`${url}/api/character-chat`, { character: "ghost", message, conversation_id }))
        .json();
    const one = crypto.randomUUID();
    const two = crypto.randomUUID();
    await ask(a.url, "first on A", one);
    await ask(b.url, "second on B", two);
    await ask(b.url, "more on B", one);
    const listOn = async (url: string) =>
      (await (await jar.fetch(`${url}/api/conversations?feature=character-chat`)).json()).conversations
        .map((c: { title: string }) => c.title);
    deepEqual(await listOn(a.url), ["first on A", "second on B"]);
    deepEqual(await listOn(b.url), await listOn(a.url));
    await jar.fetch(`${b.url}/api/conversations/${two}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "Renamed on B" }),
    });
    deepEqual(await listOn(a.url), ["first on A", "Renamed on B"]);
    const opened = await (await jar.fetch(`${a.url}/api/conversations/${one}`)).json();
    deepEqual(shown(opened.messages), ["u:first on A", "a:re: first on A", "u:more on B", "a:re: more on B"]);
    await jar.fetch(`${a.url}/api/conversations/${one}`, { method: "DELETE" });
    equal((await jar.fetch(`${b.url}/api/conversations/${one}`)).status, 404);
    deepEqual(await listOn(b.url), ["Renamed on B"]);
  } finally {
    await a.stop();
    await b.stop();
    await upstream.close();
    await Deno.remove(kvPath).catch(() => {});
  }
});
