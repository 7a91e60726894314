/**
 * Two app processes sharing one KV file, as instances share KV on Deno Deploy: a reader that
 * comes back to the other instance resumes the same answer, and a Stop sent to either stops it.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream, sleep } from "../support/fake_upstream.ts";
import { type MainProcess, startMain } from "../support/main_process.ts";
import { readSse } from "../support/sse_client.ts";

async function withTwoInstances(
  body: (a: MainProcess, b: MainProcess, upstream: FakeUpstream) => Promise<void>,
) {
  const upstream = new FakeUpstream();
  const env = {
    OPENAI_BASE_URL: upstream.baseURL,
    KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }),
    STREAM_POLL_MS: "50",
  };
  const a = await startMain(env);
  const b = await startMain(env);
  try {
    await body(a, b, upstream);
  } finally {
    await a.stop();
    await b.stop();
    await upstream.close();
  }
}

Deno.test({
  name: "a reader that reconnects to the other instance resumes the same answer; the model is asked once",
  fn: () =>
    withTwoInstances(async (a, b, upstream) => {
      const chunks = Array.from({ length: 60 }, (_, i) => `w${i} `);
      upstream.use({ chunks, delayMs: 15 });
      const jar = new CookieJar();
      const answerId = crypto.randomUUID();
      const first = await jar.post(`${a.url}/api/character-chat-stream`, {
        character: "ghost",
        message: "Tell me a long tale",
        request_id: answerId,
      });
      const reader = first.body!.getReader();
      let seen = "";
      while (!/id: 10\n/.test(seen)) seen += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      const last = Number([...seen.matchAll(/id: (\d+)\n/g)].at(-1)![1]);
      const firstText = [...seen.matchAll(/"chunk":"([^"]*)"/g)].map((m) => m[1]).join("");

      const rest = await readSse(
        await jar.fetch(`${b.url}/api/streams/${answerId}`, { headers: { "last-event-id": String(last) } }),
      );
      equal(Number(rest.events[0].id), last + 1, "no gap, no repeat");
      equal(firstText + rest.text, chunks.join(""));
      equal(rest.events.at(-1)?.payload.type, "done");
      equal(upstream.requests.length, 1);
    }),
});

Deno.test({
  name: "a Stop sent to the other instance stops the model",
  fn: () =>
    withTwoInstances(async (a, b, upstream) => {
      upstream.use({ chunks: Array.from({ length: 400 }, (_, i) => `${i} `), delayMs: 20 });
      const jar = new CookieJar();
      const answerId = crypto.randomUUID();
      const reading = readSse(
        await jar.post(`${a.url}/api/trivia-bot-stream`, { question: "Count", request_id: answerId }),
      );
      await sleep(300);
      const closed = upstream.nextClose();
      const asked = performance.now();
      deepEqual(await (await jar.post(`${b.url}/api/streams/${answerId}/stop`, {})).json(), {
        stopped: true,
      });
      await closed;
      const latency = performance.now() - asked;
      console.log(`Stop on the other instance → upstream connection closed: ${latency.toFixed(1)} ms`);
      ok(latency < 1000, `${latency} ms`);
      const result = await reading;
      equal(result.events.at(-1)?.payload.type, "done");
      ok(result.text.length > 0 && !result.text.includes("399 "));
    }),
});
