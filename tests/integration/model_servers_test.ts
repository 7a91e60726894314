import { pagePropsOf } from "../support/page_props.ts";
/**
 * The compatibility matrix: scripted model servers that answer in the exact chunk shapes of
 * OpenAI, llama.cpp, vLLM and Ollama (and the odd ones: thinking inline, `content: null`,
 * tool-call deltas, a cut at the length limit), each through the streaming and the JSON path.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { withInProcessApp } from "../support/in_process.ts";
import { readSse } from "../support/sse_client.ts";

const data = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
const DONE = "data: [DONE]\n\n";

interface Shape {
  name: string;
  /** The streamed answer, frame by frame, as that server writes it. */
  stream: string[];
  /** The same answer without streaming. */
  json: unknown;
  expected: { content: string; reasoning: string; finish: string };
}

const openAiChunk = (delta: unknown, finish: string | null = null) =>
  data({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-4o-mini",
    system_fingerprint: "fp_1",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    usage: null,
  });
const llamaChunk = (delta: unknown, finish: string | null = null, extra: Record<string, unknown> = {}) =>
  data({
    choices: [{ finish_reason: finish, index: 0, delta }],
    created: 1,
    id: "chatcmpl-l",
    model: "gpt-oss-120b",
    system_fingerprint: "b6000-abc",
    object: "chat.completion.chunk",
    ...extra,
  });
const vllmChunk = (delta: unknown, finish: string | null = null) =>
  data({
    id: "chatcmpl-v",
    object: "chat.completion.chunk",
    created: 1,
    model: "Qwen/Qwen3-8B",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish, stop_reason: null }],
  });
const ollamaChunk = (delta: unknown, finish: string | null = null) =>
  data({
    id: "chatcmpl-o",
    object: "chat.completion.chunk",
    created: 1,
    model: "llama3.2",
    system_fingerprint: "fp_ollama",
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
const completion = (message: Record<string, unknown>, finish = "stop") => ({
  id: "c",
  object: "chat.completion",
  created: 1,
  model: "m",
  choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }],
  usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
});

const SHAPES: Shape[] = [
  {
    name: "OpenAI (role-only first chunk, usage chunk)",
    stream: [
      openAiChunk({ role: "assistant", content: "", refusal: null }),
      openAiChunk({ content: "Good" }),
      openAiChunk({ content: " evening" }),
      openAiChunk({}, "stop"),
      data({
        id: "chatcmpl-1",
        object: "chat.completion.chunk",
        created: 1,
        model: "gpt-4o-mini",
        choices: [],
        usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
      }),
      DONE,
    ],
    json: completion({ content: "Good evening", refusal: null }),
    expected: { content: "Good evening", reasoning: "", finish: "stop" },
  },
  {
    name: "llama.cpp (reasoning_content, content null, timings)",
    stream: [
      llamaChunk({ role: "assistant", content: null }),
      llamaChunk({ reasoning_content: "The user" }),
      llamaChunk({ reasoning_content: " greets me." }),
      llamaChunk({ content: "Good" }),
      llamaChunk({ content: " evening" }),
      llamaChunk({}, "stop", {
        usage: { completion_tokens: 12, prompt_tokens: 20, total_tokens: 32 },
        timings: { prompt_n: 20, prompt_ms: 10.1, predicted_n: 12, predicted_ms: 100.5 },
      }),
      DONE,
    ],
    json: {
      ...completion({ content: "Good evening", reasoning_content: "The user greets me." }),
      timings: { predicted_n: 12 },
    },
    expected: { content: "Good evening", reasoning: "The user greets me.", finish: "stop" },
  },
  {
    name: "vLLM (reasoning)",
    stream: [
      vllmChunk({ role: "assistant", content: "" }),
      vllmChunk({ reasoning: "The user" }),
      vllmChunk({ reasoning: " greets me." }),
      vllmChunk({ content: "Good evening" }),
      vllmChunk({ content: "" }, "stop"),
      DONE,
    ],
    json: completion({ content: "Good evening", reasoning: "The user greets me." }),
    expected: { content: "Good evening", reasoning: "The user greets me.", finish: "stop" },
  },
  {
    name: "Ollama's /v1 (no usage, last chunk carries the finish)",
    stream: [
      ollamaChunk({ role: "assistant", content: "Good" }),
      ollamaChunk({ role: "assistant", content: " evening" }),
      ollamaChunk({ role: "assistant", content: "" }, "stop"),
      DONE,
    ],
    json: completion({ content: "Good evening" }),
    expected: { content: "Good evening", reasoning: "", finish: "stop" },
  },
  {
    name: "thinking inline as <think>…</think>",
    stream: [
      openAiChunk({ role: "assistant", content: "" }),
      openAiChunk({ content: "<thi" }),
      openAiChunk({ content: "nk>The user greets" }),
      openAiChunk({ content: " me.</think>\n\nGood" }),
      openAiChunk({ content: " evening" }),
      openAiChunk({}, "stop"),
      DONE,
    ],
    json: completion({ content: "<think>The user greets me.</think>\n\nGood evening" }),
    expected: { content: "Good evening", reasoning: "The user greets me.", finish: "stop" },
  },
  {
    name: "content: null and tool-call deltas (ignored)",
    stream: [
      openAiChunk({ role: "assistant", content: null }),
      openAiChunk({
        content: null,
        tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "moon", arguments: "" } }],
      }),
      openAiChunk({ tool_calls: [{ index: 0, function: { arguments: "{}" } }] }),
      openAiChunk({ content: "Good evening" }),
      openAiChunk({}, "stop"),
      DONE,
    ],
    json: completion({ content: "Good evening", tool_calls: [] }),
    expected: { content: "Good evening", reasoning: "", finish: "stop" },
  },
  {
    name: "cut at the length limit",
    stream: [
      openAiChunk({ role: "assistant", content: "" }),
      openAiChunk({ content: "Good eve" }),
      openAiChunk({}, "length"),
      DONE,
    ],
    json: completion({ content: "Good eve" }, "length"),
    expected: { content: "Good eve", reasoning: "", finish: "length" },
  },
];

async function asked(
  shape: Shape,
  body: (app: Parameters<Parameters<typeof withInProcessApp>[1]>[0]) => Promise<void>,
) {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.script = (request) =>
      request.body.stream
        ? { frames: shape.stream }
        : { body: JSON.stringify(shape.json), headers: { "content-type": "application/json" } };
    await body(app);
  });
}

for (const shape of SHAPES) {
  Deno.test(`${shape.name}: streamed, the thinking, the answer and its finish reason come through`, async () => {
    await asked(shape, async (app) => {
      const result = await readSse(
        await app.post("/api/character-chat-stream", { character: "ghost", message: "Hi" }),
      );
      const reasoning = result.events.map((e) => (e.payload.type === "reasoning" ? e.payload.chunk : ""))
        .join("");
      equal(result.text, shape.expected.content);
      equal(reasoning, shape.expected.reasoning);
      const done = result.events.at(-1)!.payload;
      equal(done.type, "done");
      equal(done.type === "done" && done.finish_reason, shape.expected.finish);
      deepEqual([...new Set(result.events.map((e) => e.payload.type))].filter((t) => t === "error"), []);
    });
  });
  Deno.test(`${shape.name}: as JSON, content, reasoning and finish_reason`, async () => {
    await asked(shape, async (app) => {
      const answer = await (await app.post("/api/character-chat", { character: "ghost", message: "Hi" }))
        .json();
      equal(answer.content, shape.expected.content);
      equal(answer.reasoning ?? "", shape.expected.reasoning);
      equal(answer.finish_reason, shape.expected.finish);
    });
  });
}

Deno.test("a length-cut answer is kept, marked incomplete, and its thinking never goes back upstream", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.script = () => ({ frames: SHAPES[1].stream.slice(0, 4).concat(llamaChunk({}, "length"), DONE) });
    await readSse(await app.post("/api/character-chat-stream", { character: "ghost", message: "Hi" }));
    const page = await (await app.request("/")).text();
    const props = pagePropsOf(page);
    const answer = props.history["character-chat/ghost"].at(-1);
    equal(answer.content, "Good");
    equal(answer.incomplete, true);
    equal(answer.reasoning, "The user greets me.");
    upstream.script = () => ({ chunks: ["Boo."] });
    await readSse(await app.post("/api/character-chat-stream", { character: "ghost", message: "Go on" }));
    const sent = JSON.stringify(upstream.requests.at(-1)!.body.messages);
    ok(sent.includes('"Good"') && !sent.includes("greets"), sent);
  });
});

Deno.test("thinking that uses the whole length budget is an error naming the setting to raise", async () => {
  const thinkingOnly = [
    llamaChunk({ role: "assistant", content: null }),
    llamaChunk({ reasoning_content: "Hmm, let me" }),
    llamaChunk({}, "length"),
    DONE,
  ];
  await withInProcessApp({}, async (app, upstream) => {
    upstream.script = (request) =>
      request.body.stream ? { frames: thinkingOnly } : {
        body: JSON.stringify(completion({ content: "", reasoning_content: "Hmm, let me" }, "length")),
        headers: { "content-type": "application/json" },
      };
    const streamed = await readSse(
      await app.post("/api/story-generator-stream", { name: "Mina", theme: "fog" }),
    );
    const error = streamed.events.find((e) => e.payload.type === "error")!.payload;
    equal(error.type === "error" && error.code, "reasoning_budget");
    ok(error.type === "error" && error.error.includes("MAX_TOKENS_STORY_GENERATOR"), JSON.stringify(error));
    equal(streamed.events.at(-1)!.payload.type, "done");
    const json = await app.post("/api/story-generator", { name: "Mina", theme: "fog" });
    equal(json.status, 502);
    const body = await json.json();
    equal(body.code, "reasoning_budget");
    ok(body.error.includes("MAX_TOKENS_STORY_GENERATOR"));
  });
});

Deno.test("with only a base URL, answers name the server's own model: asked once, shown by health, asked again after a failure", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.models = ["gpt-oss-120b", "another"];
    upstream.use({ chunks: ["ok"] });
    for (let i = 0; i < 3; i++) await readSse(await app.request("/api/spell-generator-stream"));
    deepEqual(upstream.requests.map((request) => request.body.model), [
      "gpt-oss-120b",
      "gpt-oss-120b",
      "gpt-oss-120b",
    ]);
    equal(upstream.modelsRequests, 1, "asked once, then remembered");
    equal((await (await app.request("/api/health")).json()).llm.model, "gpt-oss-120b");
    // The server now serves another model and refuses the old name: the next answer asks again.
    upstream.models = ["qwen3"];
    upstream.use({ status: 404 }, { chunks: ["ok"] });
    // Refused before a word: an HTTP error status, not an event stream.
    const refused = await app.request("/api/spell-generator-stream");
    equal(refused.status, 502);
    equal((await refused.json()).code, "upstream");
    equal((await readSse(await app.request("/api/spell-generator-stream"))).text, "ok");
    equal(upstream.requests.at(-1)!.body.model, "qwen3");
  });
});

Deno.test("OpenAI's own API, with no model named, gets gpt-4o-mini; a named model is always used", async () => {
  const { loadConfig } = await import("../../lib/config.ts");
  const { createLlm } = await import("../../lib/llm/mod.ts");
  const openai = loadConfig({ OPENAI_API_KEY: "sk-test-key" });
  equal(await createLlm(openai.llm, openai.demo).resolveModel(), "gpt-4o-mini");
  const named = loadConfig({ OPENAI_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_MODEL: "llama3.2" });
  equal(await createLlm(named.llm, named.demo).resolveModel(), "llama3.2");
});

Deno.test("the POST endpoints take forms, urlencoded and multipart, with the same fields and validation", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.use({ chunks: ["ok"] });
    const urlencoded = await app.request("/api/character-chat", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ character: "witch", message: "Hello there", language: "ja" }).toString(),
    });
    equal(urlencoded.status, 200);
    equal((await urlencoded.json()).content, "ok");
    equal(upstream.requests.at(-1)!.body.messages!.at(-1)!.content, "Hello there");

    const form = new FormData();
    form.set("name", "Mina");
    form.set("theme", "a locked attic");
    form.set("stream", "true");
    const multipart = await app.request("/api/story-generator", { method: "POST", body: form });
    equal(
      multipart.headers.get("content-type"),
      "text/event-stream; charset=utf-8",
      "stream=true in a form streams",
    );
    equal((await readSse(multipart)).text, "ok");

    const bad = await app.request("/api/character-chat", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "character=nobody&message=hi",
    });
    equal(bad.status, 400);
    equal((await bad.json()).field, "character");

    const file = new FormData();
    file.set("message", new File(["x"], "x.txt"));
    file.set("character", "ghost");
    const withFile = await app.request("/api/character-chat", { method: "POST", body: file });
    equal(withFile.status, 400);
    equal((await withFile.json()).field, "message");

    const language = await app.request("/api/set-language", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "language=ja",
    });
    deepEqual(await language.json(), { language: "ja" });
  });
});

Deno.test("continue: a cut answer goes on where it stopped, in the same message; nothing to continue is a 400", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    const cut = await app.post("/api/character-chat", { character: "ghost", message: "Hi" });
    equal(cut.status, 200);
    await cut.body?.cancel();
    equal(
      (await app.post("/api/story-generator", { name: "Mina", theme: "fog", continue: true })).status,
      400,
      "a story not yet begun cannot be continued",
    );
    upstream.script = () => ({
      frames: [openAiChunk({ content: "Good eve" }), openAiChunk({}, "length"), DONE],
    });
    await readSse(await app.post("/api/character-chat-stream", { character: "ghost", message: "Tell me" }));
    upstream.use({ chunks: ["ning, friend."] });
    const more = await readSse(
      await app.post("/api/character-chat-stream", {
        character: "ghost",
        message: "Tell me",
        continue: true,
      }),
    );
    equal(more.text, "ning, friend.");
    const sent = upstream.requests.at(-1)!.body.messages!;
    deepEqual(sent.slice(-2).map((m) => m.role), ["assistant", "user"]);
    equal(sent.at(-2)!.content, "Good eve");
    ok(sent.at(-1)!.content.startsWith("Continue exactly where you stopped"));
    const page = await (await app.request("/")).text();
    const props = pagePropsOf(page);
    const chat = props.history["character-chat/ghost"];
    deepEqual(
      chat.slice(-2).map((
        m: { role: string; content: string; incomplete?: boolean },
      ) => [m.role, m.content, m.incomplete ?? false]),
      [
        ["user", "Tell me", false],
        ["assistant", "Good evening, friend.", false],
      ],
    );
  });
});

Deno.test("an EventSource coming back after done without a request_id gets 204, and the model is not asked again", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.use({ chunks: ["Boo."] });
    const url = "/api/character-chat-stream?character=ghost&message=Hi";
    const first = await readSse(await app.request(url));
    equal(first.text, "Boo.");
    const again = await app.request(url, { headers: { "last-event-id": first.events.at(-1)!.id! } });
    equal(again.status, 204);
    equal(upstream.requests.length, 1);
    const page = await (await app.request("/")).text();
    equal(page.split("Boo.").length - 1, 1, "one answer in the history, not two");
  });
});
