/**
 * Real model servers, all the way: a conversation longer than a small context answered turn after
 * turn, each server's way of saying a request does not fit, the statuses of a failure before the
 * first word (fetch, EventSource and JSON alike), and a model server found on this machine.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream } from "../support/fake_upstream.ts";
import { withInProcessApp } from "../support/in_process.ts";
import { startMain } from "../support/main_process.ts";
import { pagePropsOf } from "../support/page_props.ts";
import { readSse } from "../support/sse_client.ts";
import { estimateTokens, MESSAGE_OVERHEAD } from "../../lib/llm/context_window.ts";
import { DiscoveringLlm } from "../../lib/llm/discovery.ts";
import { createLlm } from "../../lib/llm/mod.ts";
import { loadConfig } from "../../lib/config.ts";
import { demoAnswersFor } from "../../lib/features/registry.ts";

Deno.test("a conversation longer than a small context is answered turn after turn, and says what it remembers", async () => {
  const WINDOW = 900;
  await withInProcessApp({ CONTEXT_TOKENS: String(WINDOW) }, async (app, upstream) => {
    upstream.script = (request) => ({
      chunks: [`A long reply to ${request.body.messages!.at(-1)!.content}. `.repeat(6)],
    });
    const jar = new CookieJar(app.fetch);
    const remembered: Array<number | undefined> = [];
    for (let i = 0; i < 12; i++) {
      const result = await readSse(
        await jar.post("/api/character-chat-stream", {
          character: "witch",
          message: `Question number ${i}?`,
        }),
      );
      const done = result.events.at(-1)!.payload;
      equal(done.type, "done", `turn ${i} is answered`);
      remembered.push(done.type === "done" ? done.stats?.remembered : undefined);
      const sent = upstream.requests.at(-1)!.body;
      const tokens = sent.messages!.reduce((n, m) => n + estimateTokens(m.content) + MESSAGE_OVERHEAD, 0);
      ok(
        tokens + Number(sent.max_tokens) <= WINDOW,
        `turn ${i}: ${tokens} + ${sent.max_tokens} within ${WINDOW}`,
      );
      equal(sent.messages!.at(-1)!.content, `Question number ${i}?`);
    }
    ok(remembered.slice(0, 2).every((n) => n === undefined), "nothing is left out at first");
    ok(remembered.slice(-3).every((n) => n !== undefined && n > 0 && n % 2 === 0), `${remembered}`);
    // After a reload the answer still says what it remembered.
    const stored = pagePropsOf(await (await jar.fetch("/")).text()).history["character-chat/witch"];
    ok(stored.at(-1).stats.forgotten > 0);
  });
});

const OVERFLOWS: Array<[string, Record<string, unknown>]> = [
  ["llama.cpp", {
    error: {
      code: 400,
      message: "the request exceeds the available context size, try increasing it",
      type: "exceed_context_size_error",
      n_prompt_tokens: 2092,
      n_ctx: 2048,
    },
  }],
  ["OpenAI", {
    error: {
      message:
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens.",
      type: "invalid_request_error",
      param: "messages",
      code: "context_length_exceeded",
    },
  }],
  ["vLLM", {
    object: "error",
    message: "This model's maximum context length is 2048 tokens. However, you requested 2100 tokens.",
    type: "BadRequestError",
    param: null,
    code: 400,
  }],
  ["Ollama", {
    error: { message: "the input length exceeds the context length", type: "invalid_request_error" },
  }],
];

for (const [server, body] of OVERFLOWS) {
  Deno.test(`${server}'s "does not fit" is context_full (413), with the server's own words, as a stream and as JSON`, async () => {
    await withInProcessApp({}, async (app, upstream) => {
      upstream.use({
        status: 400,
        body: JSON.stringify(body),
        headers: { "content-type": "application/json" },
      });
      for (const path of ["/api/character-chat-stream", "/api/character-chat"]) {
        const response = await app.post(path, { character: "ghost", message: "Too much" });
        equal(response.status, 413, `${server} ${path}`);
        const refused = await response.json();
        equal(refused.code, "context_full");
        ok(/new chat/.test(refused.error), refused.error);
        ok(typeof refused.server_message === "string" && refused.server_message.length <= 160);
      }
    });
  });
}

Deno.test("any other model-server error carries its own short words, sanitised, never the key", async () => {
  await withInProcessApp({ OPENAI_API_KEY: "sk-secret-key-0123456789" }, async (app, upstream) => {
    upstream.use({
      status: 500,
      body: JSON.stringify({
        error: { message: `GPU melted <b>badly</b> for key sk-secret-key-0123456789\n${"x".repeat(400)}` },
      }),
      headers: { "content-type": "application/json" },
    });
    const refused = await (await app.post("/api/trivia-bot-stream", { question: "hot?" })).json();
    equal(refused.code, "upstream");
    ok(refused.server_message.startsWith("GPU melted b badly /b for key [redacted]"), refused.server_message);
    ok(refused.server_message.length <= 160);
    ok(!JSON.stringify(refused).includes("sk-secret"));
  });
});

Deno.test("a failure before the first word: the mapped status and JSON body, for fetch, EventSource and JSON alike", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    const cases: Array<[string, Parameters<FakeUpstream["use"]>[0], number, string, string | null]> = [
      ["a 5xx", { status: 500 }, 502, "upstream", null],
      [
        "rate limited, with Retry-After",
        { status: 429, headers: { "retry-after": "1" } },
        503,
        "rate_limited",
        "1",
      ],
    ];
    for (const [what, script, status, code, retryAfter] of cases) {
      upstream.use(script);
      const requests: Array<[string, Promise<Response>]> = [
        ["fetch", app.post("/api/spell-generator-stream", { purpose: "x" })],
        [
          "EventSource",
          app.request("/api/spell-generator-stream?purpose=x", { headers: { accept: "text/event-stream" } }),
        ],
        [
          "resumable",
          app.post("/api/spell-generator-stream", { purpose: "x", request_id: crypto.randomUUID() }),
        ],
        ["JSON", app.post("/api/spell-generator", { purpose: "x" })],
      ];
      for (const [client, pending] of requests) {
        const response = await pending;
        equal(response.status, status, `${what} (${client})`);
        equal(
          response.headers.get("content-type")?.startsWith("application/json"),
          true,
          `${what} (${client})`,
        );
        equal(response.headers.get("retry-after"), retryAfter, `${what} (${client})`);
        equal((await response.json()).code, code, `${what} (${client})`);
      }
    }
    // Once the model server took the request, the stream is 200 and a later failure is an event.
    upstream.use({ chunks: ["Abra", "cadabra"], errorAfter: 1 });
    const later = await readSse(await app.post("/api/spell-generator-stream", { purpose: "x" }));
    equal(later.status, 200);
    deepEqual(later.events.map((e) => e.payload.type), ["content", "error", "done"]);
  });
});

Deno.test("a model server too slow to take the request: 504, as a stream and as JSON", async () => {
  await withInProcessApp({ STREAMING_TIMEOUT: "1" }, async (app, upstream) => {
    upstream.use({ headDelayMs: 3000, chunks: ["late"] });
    for (const path of ["/api/spell-generator-stream", "/api/spell-generator"]) {
      const response = await app.post(path, { purpose: "x" });
      equal(response.status, 504, path);
      equal((await response.json()).code, "timeout", path);
    }
  });
});

Deno.test({
  name: "with nothing configured, a model server on this machine is found and named; none found, the demo",
  sanitizeResources: false,
  async fn() {
    const ollama = new FakeUpstream();
    ollama.models = ["llama3.2"];
    ollama.use({ chunks: ["from ", "Ollama"] });
    const empty = new FakeUpstream();
    empty.models = [];
    const servers = (list: string) => ({ LOCAL_MODEL_SERVERS: list });
    const dead = "http://127.0.0.1:9/v1";
    try {
      const found = await startMain(
        servers(`llama.cpp=${dead},LM Studio=${empty.baseURL},Ollama=${ollama.baseURL}`),
      );
      try {
        const health = await (await fetch(`${found.url}/api/health`)).json();
        deepEqual(health.llm, { provider: "openai", server: "Ollama", model: "llama3.2", reachable: true });
        equal(
          (await readSse(await fetch(`${found.url}/api/trivia-bot-stream?question=hi`))).text,
          "from Ollama",
        );
        const page = await (await fetch(found.url)).text();
        ok(page.includes("llama3.2 · Ollama"), "the page names the model and its server");
        ok(!page.includes("Demo model"));
      } finally {
        await found.stop();
      }
      const none = await startMain(servers(`llama.cpp=${dead},LM Studio=${empty.baseURL}`));
      try {
        equal((await (await fetch(`${none.url}/api/health`)).json()).llm.provider, "demo");
      } finally {
        await none.stop();
      }
      const kept = await startMain({ ...servers(`Ollama=${ollama.baseURL}`), LLM_PROVIDER: "demo" });
      try {
        equal(
          (await (await fetch(`${kept.url}/api/health`)).json()).llm.provider,
          "demo",
          "LLM_PROVIDER=demo keeps it",
        );
      } finally {
        await kept.stop();
      }
    } finally {
      await ollama.close();
      await empty.close();
    }
  },
});

Deno.test("still on the demo, a model server started later is found when health is asked", async () => {
  const config = loadConfig({});
  const later = new FakeUpstream();
  later.models = ["qwen3"];
  const llm = createLlm({ ...config.llm, localServers: [{ name: "llama.cpp", baseURL: later.baseURL }] }, {
    ...config.demo,
    answers: demoAnswersFor(),
  });
  ok(llm instanceof DiscoveringLlm);
  try {
    later.models = []; // not serving a model yet
    await llm.look();
    equal(llm.provider, "demo");
    later.models = ["qwen3"];
    await llm.look(); // what lookAgain does once its wait is over
    deepEqual([llm.provider, llm.server, await llm.resolveModel()], ["openai", "llama.cpp", "qwen3"]);
  } finally {
    await later.close();
  }
});
