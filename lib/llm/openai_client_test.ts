import { fixedModel } from "./model_choice.ts";
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { LlmError } from "./errors.ts";
import { createOpenAiClient, type OpenAiClientOptions } from "./openai_client.ts";
import type { Delta, ModelRequest, Usage } from "./types.ts";
import { chunkFrame, dataFrame, DONE_FRAME } from "./wire.ts";

const encoder = new TextEncoder();
const IDENTITY = { id: "c1", created: 0, model: "test-model" };
const frame = dataFrame;
const delta = (content: string) => chunkFrame(IDENTITY, { content });
const ROLE = chunkFrame(IDENTITY, { role: "assistant" });
const FINISH = chunkFrame(IDENTITY, {}, "stop");
const DONE = DONE_FRAME;

/** A response body that sends each string as one network read, optionally spaced out. */
function body(reads: string[], { delayMs = 0, thenStall = false } = {}): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      if (i < reads.length) return controller.enqueue(encoder.encode(reads[i++]));
      if (thenStall) return new Promise(() => {});
      controller.close();
    },
  }, { highWaterMark: 0 });
}

function sse(stream: ReadableStream<Uint8Array>): Response {
  return new Response(stream, { headers: { "content-type": "text/event-stream" } });
}

interface FakeFetch {
  fetch: typeof fetch;
  calls: Request[];
  signals: AbortSignal[];
}

function fakeFetch(respond: (call: number, request: Request) => Response | Promise<Response>): FakeFetch {
  const calls: Request[] = [];
  const signals: AbortSignal[] = [];
  return {
    calls,
    signals,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      calls.push(request);
      if (init?.signal) signals.push(init.signal);
      return await respond(calls.length - 1, request);
    },
  };
}

function client(fake: FakeFetch, options: Partial<OpenAiClientOptions> = {}) {
  return createOpenAiClient({
    provider: "openai",
    baseURL: "http://upstream.test/v1",
    apiKey: "sk-test",
    model: fixedModel("test-model"),
    timeoutMs: 5000,
    idleTimeoutMs: 5000,
    bufferSize: 1024,
    fetch: fake.fetch,
    ...options,
  });
}

const request = (extra: Partial<ModelRequest> = {}): ModelRequest => ({
  messages: [{ role: "user", content: "Hello" }],
  settings: { temperature: 0.5, maxTokens: 50 },
  ...extra,
});

/** The answer's text pieces of a stream (its thinking, if any, left out). */
async function read(stream: ReadableStream<Delta>): Promise<string[]> {
  return (await Array.fromAsync(stream)).filter((d) => d.kind === "content").map((d) => d.text);
}

Deno.test("streams text deltas, skipping role-only and empty chunks, and records usage", async () => {
  const fake = fakeFetch(() =>
    sse(body([
      ROLE,
      delta("Good "),
      frame({ choices: [] }),
      delta("evening"),
      FINISH,
      frame({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 2 } }),
      DONE,
    ]))
  );
  let finished: { finishReason: string; usage?: Usage } | undefined;
  const pieces = await read(client(fake).stream(request({ onFinish: (info) => (finished = info) })));
  deepEqual(pieces, ["Good ", "evening"]);
  deepEqual(finished, { finishReason: "stop", usage: { promptTokens: 7, completionTokens: 2 } });
  const sent = await fake.calls[0].json();
  equal(sent.stream, true);
  equal(sent.model, "test-model");
  equal(sent.max_tokens, 50);
  equal(fake.calls[0].headers.get("authorization"), "Bearer sk-test");
});

Deno.test("deltas that arrive in one read are joined, bounded by the buffer size", async () => {
  const fake = fakeFetch(() => sse(body([delta("ab") + delta("cd") + delta("ef") + FINISH + DONE])));
  deepEqual(await read(client(fake, { bufferSize: 4 }).stream(request())), ["abcd", "ef"]);
  const large = fakeFetch(() => sse(body([delta("ab") + delta("cd") + delta("ef") + FINISH + DONE])));
  deepEqual(await read(client(large).stream(request())), ["abcdef"]);
});

Deno.test("an error object inside a 200 stream fails the stream after the text before it", async () => {
  const fake = fakeFetch(() => sse(body([delta("partial"), frame({ error: { message: "overloaded" } })])));
  const reader = client(fake).stream(request()).getReader();
  deepEqual(await reader.read(), { done: false, value: { kind: "content", text: "partial" } });
  const failure = await reader.read().catch((e) => e);
  ok(failure instanceof LlmError);
  equal(failure.code, "upstream");
  equal(failure.detail, "overloaded");
});

Deno.test("text in the same read as an upstream error is delivered before the error", async () => {
  const fake = fakeFetch(() =>
    sse(body([delta("a") + delta("b") + frame({ error: { message: "x" } }) + delta("never")]))
  );
  const reader = client(fake, { bufferSize: 1 }).stream(request()).getReader();
  deepEqual(await reader.read(), { done: false, value: { kind: "content", text: "a" } });
  deepEqual(await reader.read(), { done: false, value: { kind: "content", text: "b" } });
  equal((await reader.read().catch((e) => e)).code, "upstream");
});

Deno.test("a connection broken mid-body is a truncated answer", async () => {
  let sent = false;
  const broken = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) return controller.error(new TypeError("connection reset"));
      sent = true;
      controller.enqueue(encoder.encode(delta("so far")));
    },
  }, { highWaterMark: 0 });
  const reader = client(fakeFetch(() => sse(broken))).stream(request()).getReader();
  deepEqual(await reader.read(), { done: false, value: { kind: "content", text: "so far" } });
  equal((await reader.read().catch((e) => e)).code, "truncated");
});

Deno.test("a body that ends without [DONE] or finish_reason is a truncated answer", async () => {
  const fake = fakeFetch(() => sse(body([ROLE, delta("half an ans")])));
  const reader = client(fake).stream(request()).getReader();
  deepEqual(await reader.read(), { done: false, value: { kind: "content", text: "half an ans" } });
  const failure = await reader.read().catch((e) => e);
  equal(failure.code, "truncated");
});

Deno.test("a finish_reason without [DONE] is a finished answer", async () => {
  const fake = fakeFetch(() => sse(body([delta("whole"), FINISH])));
  deepEqual(await read(client(fake).stream(request())), ["whole"]);
});

Deno.test("a malformed line is skipped and logged; the stream goes on", async () => {
  const logged: string[] = [];
  const fake = fakeFetch(() => sse(body([delta("one "), "data: {oops\n\n", delta("two"), FINISH, DONE])));
  const llm = client(fake, { logger: (_level, message) => logged.push(message) });
  deepEqual((await read(llm.stream(request()))).join(""), "one two");
  deepEqual(logged, ["skipped a malformed upstream chunk"]);
});

Deno.test("silence longer than the idle timeout ends the stream as stalled and aborts the request", async () => {
  const fake = fakeFetch(() => sse(body([delta("so far")], { thenStall: true })));
  const reader = client(fake, { idleTimeoutMs: 50 }).stream(request()).getReader();
  deepEqual(await reader.read(), { done: false, value: { kind: "content", text: "so far" } });
  const failure = await reader.read().catch((e) => e);
  equal(failure.code, "stalled");
  equal(fake.signals[0].aborted, true);
});

Deno.test("the whole-answer timeout ends a slow but steady stream", async () => {
  const reads = Array.from({ length: 100 }, (_, i) => delta(`${i} `));
  const fake = fakeFetch(() => sse(body(reads, { delayMs: 10 })));
  const started = performance.now();
  const stream = client(fake, { timeoutMs: 120 }).stream(request());
  const failure = await read(stream).catch((e) => e);
  ok(failure instanceof LlmError);
  equal(failure.code, "timeout");
  ok(performance.now() - started < 600, "ended at the deadline, not when the body ran out");
  equal(fake.signals[0].aborted, true);
});

Deno.test("cancelling the stream aborts the upstream request", async () => {
  const fake = fakeFetch(() => sse(body([delta("a"), delta("b")], { thenStall: true })));
  const reader = client(fake).stream(request()).getReader();
  await reader.read();
  equal(fake.signals[0].aborted, false);
  await reader.cancel();
  equal(fake.signals[0].aborted, true);
});

Deno.test("the caller's abort signal aborts the upstream request", async () => {
  const fake = fakeFetch(() => sse(body([delta("a")], { thenStall: true })));
  const caller = new AbortController();
  const reader = client(fake).stream(request({ signal: caller.signal })).getReader();
  await reader.read();
  caller.abort();
  equal(fake.signals[0].aborted, true);
  await reader.cancel();
});

Deno.test("5xx and 429 before the first token are retried, honouring Retry-After", async () => {
  const fake = fakeFetch((call) => {
    if (call === 0) {
      return Response.json({ error: { message: "down" } }, {
        status: 503,
        headers: { "retry-after-ms": "5" },
      });
    }
    if (call === 1) {
      return Response.json({ error: { message: "slow down" } }, {
        status: 429,
        headers: { "retry-after": "0" },
      });
    }
    return sse(body([delta("third time lucky"), FINISH, DONE]));
  });
  deepEqual(await read(client(fake).stream(request())), ["third time lucky"]);
  equal(fake.calls.length, 3);
});

Deno.test("retries stop after three attempts", async () => {
  const fake = fakeFetch(() =>
    Response.json({ error: { message: "down" } }, { status: 500, headers: { "retry-after-ms": "1" } })
  );
  const failure = await read(client(fake).stream(request())).catch((e) => e);
  equal(failure.code, "upstream");
  equal(failure.message, "The language model reported an error (HTTP 500).");
  equal(fake.calls.length, 3);
});

Deno.test("401 is not retried and says to check the key, without echoing upstream text", async () => {
  const fake = fakeFetch(() =>
    Response.json({ error: { message: "Incorrect API key provided: sk-te***st" } }, { status: 401 })
  );
  const failure = await read(client(fake).stream(request())).catch((e) => e);
  equal(failure.code, "auth");
  ok(failure.message.includes("OPENAI_API_KEY"));
  ok(!failure.message.includes("sk-"));
  equal(fake.calls.length, 1);
});

Deno.test("an unreachable server is retried, then reported", async () => {
  const fake = fakeFetch(() => {
    throw new TypeError("connection refused");
  });
  const failure = await read(client(fake).stream(request())).catch((e) => e);
  equal(failure.code, "unreachable");
  equal(fake.calls.length, 3);
});

Deno.test("Japanese text split at every byte position of the upstream body arrives whole", async () => {
  const pieces = ["こんばんは、", "親愛なる", "客人よ。🦇"];
  const bytes = encoder.encode(ROLE + pieces.map(delta).join("") + FINISH + DONE);
  for (let at = 0; at <= bytes.length; at++) {
    const fake = fakeFetch(() =>
      sse(ReadableStream.from([bytes.slice(0, at), bytes.slice(at)].filter((part) => part.length > 0)))
    );
    equal((await read(client(fake).stream(request()))).join(""), pieces.join(""), `split at byte ${at}`);
  }
});

Deno.test("complete() returns the whole answer from one non-streaming call", async () => {
  const fake = fakeFetch(() =>
    Response.json({
      id: "x",
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: "All of it." }, finish_reason: "stop" }],
      usage: { prompt_tokens: 3, completion_tokens: 4 },
    })
  );
  equal((await client(fake).complete(request())).content, "All of it.");
  equal((await fake.calls[0].json()).stream, undefined);
});

Deno.test("complete() maps failures to safe errors", async () => {
  const fake = fakeFetch(() => Response.json({ error: { message: "nope" } }, { status: 400 }));
  await rejects(
    client(fake).complete(request()),
    (e: LlmError) => e.code === "upstream" && e.message.includes("400"),
  );
});

Deno.test("hints travel upstream only when asked to (the demo model)", async () => {
  const respond = () => sse(body([delta("x"), FINISH, DONE]));
  const hints = { feature: "character-chat", language: "ja", inputs: { character: "ghost" } };
  const plain = fakeFetch(respond);
  await read(client(plain).stream(request({ hints })));
  equal(plain.calls[0].headers.get("x-kabotan-hints"), null);
  const demo = fakeFetch(respond);
  await read(client(demo, { sendHints: true }).stream(request({ hints })));
  deepEqual(JSON.parse(decodeURIComponent(demo.calls[0].headers.get("x-kabotan-hints")!)), hints);
});

Deno.test("a U+FEFF that starts a network read is part of the text, not dropped as a BOM", async () => {
  const wire = encoder.encode(delta("\uFEFFbom") + FINISH + DONE);
  const cut = encoder.encode('data: {"choices":[{"index":0,"delta":{"content":"').length;
  const fake = fakeFetch(() => sse(ReadableStream.from([wire.slice(0, cut), wire.slice(cut)])));
  equal((await read(client(fake).stream(request()))).join(""), "\uFEFFbom");
});
