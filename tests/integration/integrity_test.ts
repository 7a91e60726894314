/**
 * Nothing lost, nothing misplaced: two real processes on one KV file, answers that race each
 * other, and an instance that stalls past its lease. What the page shows after a reload (the
 * stored history) must be exactly what the readers were shown.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { TEST_ENV } from "../support/app_server.ts";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream, sleep } from "../support/fake_upstream.ts";
import { type MainProcess, startMain } from "../support/main_process.ts";
import { wholeConversation } from "../support/page_props.ts";
import { readSse } from "../support/sse_client.ts";

/** No limits (this test makes many answers from one address), and connections uncapped too. */
const NO_LIMITS = { ...TEST_ENV, MAX_CONNECTIONS_PER_IP: "0" };

async function withProcesses(
  count: number,
  body: (instances: MainProcess[], upstream: FakeUpstream) => Promise<void>,
) {
  const upstream = new FakeUpstream();
  const kvPath = await Deno.makeTempFile({ suffix: ".kv" });
  const shared = { OPENAI_BASE_URL: upstream.baseURL, KV_PATH: kvPath, STREAM_POLL_MS: "50", ...NO_LIMITS };
  const instances: MainProcess[] = [];
  try {
    for (let i = 0; i < count; i++) instances.push(await startMain(shared));
    await body(instances, upstream);
    for (const instance of instances) {
      ok(!/database is locked/.test(instance.errors()), instance.errors().slice(-2000));
    }
  } finally {
    for (const instance of instances) await instance.stop();
    await upstream.close();
    await Deno.remove(kvPath).catch(() => {});
  }
}

const withTwoProcesses = (
  body: (a: MainProcess, b: MainProcess, upstream: FakeUpstream) => Promise<void>,
) => withProcesses(2, ([a, b], upstream) => body(a, b, upstream));

/** Each question is answered with its own words, so a misplaced answer shows. */
const echoing = (upstream: FakeUpstream, delayMs = 0) => {
  upstream.script = (request) => {
    const question = request.body.messages!.at(-1)!.content;
    return { chunks: ["answer ", "to ", question], delayMs };
  };
};

const page = (jar: CookieJar, url: string, shelf = "character-chat/ghost") =>
  wholeConversation(jar.fetch, url, shelf);

const ask = (jar: CookieJar, url: string, message: string, extra: Record<string, unknown> = {}) =>
  jar.post(`${url}/api/character-chat-stream`, { character: "ghost", message, ...extra });

Deno.test({
  name: "three processes on one KV file: 20 sessions × 12 turns, going round them, lose and misplace nothing",
  sanitizeResources: false,
  fn: () =>
    withProcesses(3, async (instances, upstream) => {
      echoing(upstream);
      const sessions = Array.from({ length: 20 }, () => new CookieJar());
      const statuses: number[] = [];
      await Promise.all(sessions.map(async (jar, s) => {
        for (let t = 0; t < 12; t++) {
          const response = await ask(jar, instances[(s + t) % 3].url, `s${s} t${t}`);
          statuses.push(response.status);
          equal((await readSse(response)).text, `answer to s${s} t${t}`);
        }
      }));
      deepEqual([...new Set(statuses)], [200]);
      for (const [s, jar] of sessions.entries()) {
        const expected = Array.from({ length: 12 }, (_, t) => [`u:s${s} t${t}`, `a:answer to s${s} t${t}`])
          .flat();
        deepEqual(await page(jar, instances[s % 3].url), expected, `session ${s}`);
      }
    }),
});

Deno.test({
  name: "two processes on one KV file: turns sent at once into one conversation keep their pairs",
  sanitizeResources: false,
  fn: () =>
    withTwoProcesses(async (a, b, upstream) => {
      echoing(upstream, 5);
      const jar = new CookieJar();
      await readSse(await ask(jar, a.url, "first")); // the session exists before the burst
      const questions = Array.from({ length: 20 }, (_, i) => `q${i}`);
      const results = await Promise.all(
        questions.map(async (q, i) => readSse(await ask(jar, [a, b][i % 2].url, q))),
      );
      results.forEach((result, i) => equal(result.text, `answer to q${i}`));
      const shown = await page(jar, b.url);
      equal(shown.length, 42);
      for (let i = 0; i < shown.length; i += 2) {
        ok(shown[i].startsWith("u:"), `${shown[i]} is a question`);
        equal(shown[i + 1], `a:answer to ${shown[i].slice(2)}`, "each answer follows its own question");
      }
      deepEqual(shown.filter((m) => m.startsWith("u:q")).map((m) => m.slice(2)).sort(), questions.sort());
    }),
});

Deno.test({
  name: "Continue racing a new question goes on with its own answer; the question stays as it was sent",
  sanitizeResources: false,
  fn: () =>
    withTwoProcesses(async (a, b, upstream) => {
      const jar = new CookieJar();
      upstream.use({ chunks: ["Once ", "upon "], finish: false, dropAfter: 2 });
      // Cut short: the answer is kept unfinished, to be continued.
      await readSse(await ask(jar, a.url, "Tell a story"));
      upstream.script = (request) => {
        const last = request.body.messages!.at(-1)!.content;
        return last.startsWith("Continue")
          ? { chunks: Array.from({ length: 30 }, () => "more "), delayMs: 15 }
          : { chunks: ["answer to ", last] };
      };
      const continuing = ask(jar, a.url, "Tell a story", { continue: true }).then(readSse);
      await sleep(100);
      const other = await readSse(await ask(jar, b.url, "Meanwhile"));
      const continued = await continuing;
      equal(other.text, "answer to Meanwhile");
      deepEqual(await page(jar, b.url), [
        "u:Tell a story",
        `a:Once upon ${continued.text}`,
        "u:Meanwhile",
        "a:answer to Meanwhile",
      ]);
    }),
});

Deno.test({
  name: "a long answer, continued past 64 KiB of Japanese text, is kept whole",
  sanitizeResources: false,
  fn: () =>
    withTwoProcesses(async (a, _b, upstream) => {
      const jar = new CookieJar();
      const piece = "吸血鬼の城は霧に包まれている。".repeat(100); // 1,500 characters
      upstream.use({ chunks: Array.from({ length: 20 }, () => piece), finish: false, dropAfter: 20 });
      const first = await readSse(await ask(jar, a.url, "長い話を"));
      upstream.use({ chunks: Array.from({ length: 20 }, () => piece) });
      const more = await readSse(await ask(jar, a.url, "長い話を", { continue: true }));
      equal(first.text.length + more.text.length, 60_000);
      const [, answer] = await page(jar, a.url);
      equal(answer, `a:${first.text}${more.text}`);
    }),
});

Deno.test({
  name:
    "an instance that stalls past its lease: the reader's end stands, one answer is kept, nothing after done",
  sanitizeResources: false,
  fn: () =>
    withTwoProcesses(async (a, b, upstream) => {
      const jar = new CookieJar();
      upstream.use({ chunks: Array.from({ length: 120 }, (_, i) => `${i} `), delayMs: 25 });
      const answerId = crypto.randomUUID();
      const started = await ask(jar, a.url, "Count", { request_id: answerId });
      void started.body!.cancel(); // the reader moves to the other instance
      await sleep(300);
      const reading = readSse(
        await jar.fetch(`${b.url}/api/streams/${answerId}`, { headers: { "last-event-id": "0" } }),
      );
      await sleep(300);
      a.process.kill("SIGSTOP"); // the instance running the answer stalls past its lease
      const shown = await reading;
      const types = shown.events.map((e) => e.payload.type);
      equal(types.at(-1), "done");
      ok(shown.events.some((e) => e.payload.type === "error" && e.payload.code === "orphaned"));
      a.process.kill("SIGCONT"); // and wakes to finish what it was writing
      await sleep(3500);
      deepEqual(await page(jar, b.url), ["u:Count", `a:${shown.text}…`], "history holds what the reader saw");
      const again = await readSse(
        await jar.fetch(`${b.url}/api/streams/${answerId}`, { headers: { "last-event-id": "0" } }),
      );
      deepEqual(
        again.events.map((e) => e.id),
        shown.events.map((e) => e.id),
        "nothing was written after done",
      );
      equal(again.text, shown.text);
    }),
});

Deno.test({
  name: "a conversation the client keeps itself is not stored, with or without a request_id",
  sanitizeResources: false,
  fn: () =>
    withTwoProcesses(async (a, _b, upstream) => {
      echoing(upstream);
      const jar = new CookieJar();
      const messages = [{ role: "user", content: "mine" }];
      await readSse(await jar.post(`${a.url}/api/character-chat-stream`, { character: "ghost", messages }));
      await readSse(
        await jar.post(`${a.url}/api/character-chat-stream`, {
          character: "ghost",
          messages,
          request_id: crypto.randomUUID(),
        }),
      );
      deepEqual(await page(jar, a.url), []);
    }),
});
