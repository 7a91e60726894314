import { equal } from "node:assert/strict";
import {
  estimateTokens,
  fixedWindow,
  MESSAGE_OVERHEAD,
  openAiWindow,
  serverWindow,
} from "./context_window.ts";

/** A model server answering the paths it knows (JSON), 404 to the rest; records what was asked. */
function server(routes: Record<string, unknown>) {
  const asked: string[] = [];
  const fetcher = ((input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    asked.push(`${init?.method ?? "GET"} ${url.pathname}`);
    const body = routes[`${init?.method ?? "GET"} ${url.pathname}`];
    return Promise.resolve(body === undefined ? new Response("no", { status: 404 }) : Response.json(body));
  }) as typeof fetch;
  return { fetcher, asked };
}

Deno.test("llama.cpp: the window from /props, counts from its tokenizer (each text once)", async () => {
  const { fetcher, asked } = server({
    "GET /props": { default_generation_settings: { n_ctx: 2048 } },
    "POST /tokenize": { tokens: [1, 2, 3, 4, 5] },
  });
  const window = serverWindow({ baseURL: "http://llama.test/v1", fetch: fetcher });
  equal(await window.tokens("any"), 2048);
  equal(await window.count("hello there"), 5 + MESSAGE_OVERHEAD);
  equal(await window.count("hello there"), 5 + MESSAGE_OVERHEAD);
  equal(asked.filter((a) => a === "POST /tokenize").length, 1, "counted once");
});

Deno.test("vLLM: max_model_len from the listing the model choice read", async () => {
  const { fetcher, asked } = server({});
  const window = serverWindow({
    baseURL: "http://vllm.test/v1",
    fetch: fetcher,
    listing: () =>
      Promise.resolve([{ id: "other", max_model_len: 999 }, { id: "qwen", max_model_len: 4096 }]),
  });
  equal(await window.tokens("qwen"), 4096);
  equal(asked.includes("GET /v1/models"), false, "the listing is not asked twice");
  // No tokenizer: a safe estimate.
  equal(await window.count("abcdef"), estimateTokens("abcdef") + MESSAGE_OVERHEAD);
});

Deno.test("Ollama: num_ctx from /api/show, else its default of 2048", async () => {
  const set = server({
    "GET /v1/models": { data: [{ id: "llama3.2" }] },
    "POST /api/show": { parameters: "num_ctx 8192\nstop x" },
  });
  equal(
    await serverWindow({ baseURL: "http://ollama.test/v1", fetch: set.fetcher }).tokens("llama3.2"),
    8192,
  );
  const unset = server({
    "GET /v1/models": { data: [{ id: "llama3.2" }] },
    "POST /api/show": { model_info: {} },
  });
  equal(
    await serverWindow({ baseURL: "http://ollama.test/v1", fetch: unset.fetcher }).tokens("llama3.2"),
    2048,
  );
});

Deno.test("a server that says nothing of its window: nothing is trimmed", async () => {
  const { fetcher } = server({ "GET /v1/models": { data: [{ id: "m" }] } });
  equal(await serverWindow({ baseURL: "http://quiet.test/v1", fetch: fetcher }).tokens("m"), undefined);
});

Deno.test("OpenAI's published windows, and the operator's CONTEXT_TOKENS", async () => {
  equal(await openAiWindow().tokens("gpt-4o-mini"), 128_000);
  equal(await openAiWindow().tokens("gpt-4.1-nano"), 1_047_576);
  equal(await openAiWindow().tokens("gpt-4-0613"), 8_192);
  equal(await openAiWindow().tokens("some-new-model"), undefined);
  equal(await fixedWindow(3000).tokens("whatever"), 3000);
});

Deno.test("the estimate errs on the safe side: Latin three characters a token, Japanese one a character", () => {
  equal(estimateTokens("Good evening"), 4);
  equal(estimateTokens("こんばんは"), 5);
});
