/**
 * The upstream fault table: each fault ends in either the full answer or an error event then
 * `done`, with the text so far kept, the upstream connection closed and nothing left running
 * (the app runs in this process, under Deno's op and resource sanitizers).
 */
import { equal, ok } from "node:assert/strict";
import { startApp } from "../support/app_server.ts";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream, sleep, type UpstreamScript } from "../support/fake_upstream.ts";
import { eventTypes, readSse } from "../support/sse_client.ts";
import { withInProcessApp } from "../support/in_process.ts";
import { StoreUnavailableError } from "../../lib/session/retrying_kv.ts";

const WORDS = ["Once ", "upon ", "a ", "midnight ", "dreary."];
const HUGE = "🎃".repeat(150_000) + "x".repeat(700_000);

interface Fault {
  name: string;
  scripts?: UpstreamScript[];
  baseURL?: string;
  env?: Record<string, string>;
  /** The text the client ends up with. */
  text: string;
  /** The error code, or undefined for a full answer. */
  code?: string;
  /** Refused before any word: the HTTP status the stream answers with (no event stream then). */
  status?: number;
  upstreamCalls?: number;
  logged?: RegExp;
}

const FAULTS: Fault[] = [
  {
    name: "connection refused",
    baseURL: "http://127.0.0.1:9/v1",
    text: "",
    code: "unreachable",
    status: 502,
  },
  {
    name: "DNS failure",
    baseURL: "http://kabotan-no-such-host.invalid/v1",
    text: "",
    code: "unreachable",
    status: 502,
  },
  { name: "401", scripts: [{ status: 401 }], text: "", code: "auth", upstreamCalls: 1, status: 502 },
  {
    name: "429 with Retry-After, then an answer",
    scripts: [{ status: 429, headers: { "retry-after": "1" } }, { chunks: WORDS }],
    text: WORDS.join(""),
    upstreamCalls: 2,
  },
  {
    name: "503, then an answer",
    scripts: [{ status: 503 }, { chunks: WORDS }],
    text: WORDS.join(""),
    upstreamCalls: 2,
  },
  {
    name: "5xx every time",
    scripts: [{ status: 500 }],
    text: "",
    code: "upstream",
    upstreamCalls: 3,
    status: 502,
  },
  {
    name: "drop mid-stream",
    scripts: [{ chunks: WORDS, dropAfter: 2 }],
    text: "Once upon ",
    code: "truncated",
    upstreamCalls: 1,
  },
  {
    name: "connection broken mid-stream",
    scripts: [{ chunks: WORDS, dropAfter: 3, dropMode: "error" }],
    text: "Once upon a ",
    code: "truncated",
  },
  {
    name: "error inside a 200 stream",
    scripts: [{ chunks: WORDS, errorAfter: 2 }],
    text: "Once upon ",
    code: "upstream",
  },
  {
    name: "malformed JSON line",
    scripts: [{ chunks: WORDS, rawBefore: { 2: "data: {this is not json\n\n" } }],
    text: WORDS.join(""),
    logged: /skipped a malformed upstream chunk/,
  },
  {
    name: "stall",
    scripts: [{ chunks: WORDS, stallAfter: 3 }],
    env: { STREAMING_IDLE_TIMEOUT: "1" },
    text: "Once upon a ",
    code: "stalled",
  },
  {
    name: "a body that is not SSE",
    scripts: [{ body: "<html><body>Bad gateway</body></html>", headers: { "content-type": "text/html" } }],
    text: "",
    code: "bad_response",
    status: 502,
  },
  {
    name: "a JSON answer despite stream: true",
    scripts: [{
      body: JSON.stringify({
        choices: [{ message: { role: "assistant", content: "All at once." }, finish_reason: "stop" }],
      }),
      headers: { "content-type": "application/json" },
    }],
    text: "All at once.",
  },
  { name: "a huge single delta", scripts: [{ chunks: ["start ", HUGE, " end"] }], text: `start ${HUGE} end` },
];

for (const fault of FAULTS) {
  Deno.test(`fault: ${fault.name}`, async () => {
    const upstream = new FakeUpstream();
    const app = await startApp({ OPENAI_BASE_URL: fault.baseURL ?? upstream.baseURL, ...fault.env });
    try {
      for (const resumable of [false, true]) {
        if (fault.scripts) upstream.use(...fault.scripts);
        const calls = upstream.requests.length;
        const jar = new CookieJar();
        const body = { character: "ghost", message: `${fault.name} ${resumable}` };
        const response = await jar.post(
          `${app.url}/api/character-chat-stream`,
          resumable ? { ...body, request_id: crypto.randomUUID() } : body,
        );
        const what = `${fault.name} (${resumable ? "resumable" : "plain"})`;
        if (fault.status) {
          // Refused before any word: an HTTP error with the JSON body, not an event stream.
          equal(response.status, fault.status, what);
          const refused = await response.json();
          equal(refused.code, fault.code, what);
          ok(typeof refused.error === "string" && refused.error.length > 0, what);
        }
        const result = fault.status ? { text: "", events: [] } : await readSse(response);
        if (!fault.status) equal(response.status, 200, what);
        equal(result.text, fault.text, what);
        const types = fault.status ? [] : eventTypes(result as Awaited<ReturnType<typeof readSse>>);
        if (!fault.status) equal(types.at(-1), "done", what);
        if (fault.code && !fault.status) {
          equal(types.at(-2), "error", what);
          const error = result.events.at(-2)!.payload;
          equal(error.type === "error" && error.code, fault.code, what);
          equal(types.filter((t) => t === "error").length, 1, what);
        } else {
          ok(!types.includes("error"), what);
        }
        if (fault.upstreamCalls) equal(upstream.requests.length - calls, fault.upstreamCalls, what);
        // The text so far is kept: the next question carries it (marked incomplete if it was cut).
        await sleep(20);
        const page = await (await jar.fetch(app.url)).text();
        if (fault.text && fault.text.length < 1000) {
          ok(page.includes(fault.text.trim().slice(0, 20)), `${what}: kept`);
        }
        if (fault.text) equal(page.includes("&quot;incomplete&quot;:true"), !!fault.code, `${what}: marked`);
        // Refused before a word, the turn is kept failed: the page shows it with Retry after a reload.
        if (fault.status) {
          ok(page.includes(`&quot;error&quot;:&quot;${fault.code}&quot;`), `${what}: kept failed`);
        }
        for (let i = 0; i < 100 && upstream.open > 0; i++) await sleep(10);
        equal(upstream.open, 0, `${what}: the upstream connection is closed`);
      }
      if (fault.logged) ok(app.logs.some((line) => fault.logged!.test(line)));
      const health = await fetch(`${app.url}/api/health`);
      equal(health.status, 200, "the server stays healthy");
      equal((await health.json()).kv, "ok");
    } finally {
      await app.close();
      await upstream.close();
    }
  });
}

/**
 * The store, but every commit that saves an answer (its text, or its turn ended) fails for good, as
 * the retrying store says once its window is spent.
 */
function failingAnswers(kv: Deno.Kv): Deno.Kv {
  const atomic = () => {
    const steps: Array<(op: Deno.AtomicOperation) => void> = [];
    let answer = false;
    const recorder: Record<string, unknown> = {};
    for (const method of ["check", "mutate", "sum", "min", "max", "set", "delete", "enqueue"] as const) {
      recorder[method] = (...args: unknown[]) => {
        // An answer's text in chunks, or a turn whose answer is ended (its text inline): the save.
        const [key, value] = args as [Deno.KvKey, { versions?: Array<{ state: string }> }];
        if (method === "set" && key[0] === "text") answer = true;
        if (method === "set" && key[0] === "turn" && value?.versions?.some((v) => v.state !== "writing")) {
          answer = true;
        }
        // deno-lint-ignore no-explicit-any
        steps.push((op) => (op[method] as (...a: any[]) => unknown)(...args));
        return recorder;
      };
    }
    recorder.commit = () => {
      if (answer) return Promise.reject(new StoreUnavailableError(new Error("database is locked"), 40));
      const op = kv.atomic();
      for (const step of steps) step(op);
      return op.commit();
    };
    return recorder as unknown as Deno.AtomicOperation;
  };
  return new Proxy(kv, {
    get: (target, property) =>
      property === "atomic"
        ? atomic
        : (Reflect.get(target, property) as (...a: unknown[]) => unknown).bind(target),
  });
}

Deno.test("an answer that cannot be saved, even after the store's retries, is an error the reader sees", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.use({ chunks: ["Kept ", "nowhere"] });
    const streamed = await readSse(await app.post("/api/trivia-bot-stream", { question: "Where?" }));
    equal(streamed.text, "Kept nowhere", "the text so far is shown");
    const error = streamed.events.find((e) => e.payload.type === "error")?.payload;
    equal(error?.type === "error" && error.code, "storage");
    equal(streamed.events.at(-1)?.payload.type, "done");
    const json = await app.post("/api/trivia-bot", { question: "Where?" });
    equal(json.status, 503);
    equal((await json.json()).code, "storage");
  }, { wrapKv: failingAnswers });
});
