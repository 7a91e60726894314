import { pagePropsOf } from "../support/page_props.ts";
/**
 * Instances that die or leave: an answer whose instance was killed is detected (its lease in KV
 * expires) and ended for everyone, its text kept; an instance that shuts down tells the readers
 * it serves for other instances, and exits within its grace.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream, sleep } from "../support/fake_upstream.ts";
import { startMain } from "../support/main_process.ts";
import { readSse } from "../support/sse_client.ts";

Deno.test("kill -9 mid-answer: on restart the partial answer is kept, readers get an error then done, Stop says so", async () => {
  const upstream = new FakeUpstream();
  upstream.use({ chunks: Array.from({ length: 400 }, (_, i) => `w${i} `), delayMs: 20 });
  const env = {
    OPENAI_BASE_URL: upstream.baseURL,
    KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }),
    STREAM_POLL_MS: "50",
  };
  const doomed = await startMain(env);
  const jar = new CookieJar();
  const answerId = crypto.randomUUID();
  const response = await jar.post(`${doomed.url}/api/character-chat-stream`, {
    character: "ghost",
    message: "Tell me a long tale",
    request_id: answerId,
  });
  const reader = response.body!.getReader();
  let seen = "";
  while (!/id: 30\n/.test(seen)) seen += new TextDecoder().decode((await reader.read()).value);
  await sleep(400); // a batch or two reaches the log
  doomed.process.kill("SIGKILL");
  await doomed.process.status;
  await reader.cancel().catch(() => {});

  const restarted = await startMain(env);
  try {
    // A reader that comes back gets what was logged, then an error, then done: it ends.
    const rest = await readSse(
      await jar.fetch(`${restarted.url}/api/streams/${answerId}`, {
        headers: { "last-event-id": "10" },
        signal: AbortSignal.timeout(15_000),
      }),
    );
    const types = rest.events.map((event) => event.payload.type);
    deepEqual(types.slice(-2), ["error", "done"]);
    const error = rest.events.at(-2)!.payload;
    equal(error.type === "error" && error.code, "orphaned");
    ok(rest.text.length > 0, "the logged text came back");

    // The page no longer re-attaches to it, and shows the partial answer, marked incomplete.
    const page = await (await jar.fetch(restarted.url)).text();
    ok(!page.includes(answerId), "not listed as active");
    const props = pagePropsOf(page);
    const chat = props.history["character-chat/ghost"];
    equal(chat.at(-1).role, "assistant");
    equal(chat.at(-1).incomplete, true);
    ok(chat.at(-1).content.startsWith("w0 w1 "), chat.at(-1).content.slice(0, 40));

    // Stop on it reports that it had already ended.
    deepEqual(await (await jar.post(`${restarted.url}/api/streams/${answerId}/stop`, {})).json(), {
      stopped: false,
      finished: true,
    });

    // The next turn sends the model alternating turns, never two user messages in a row.
    upstream.use({ chunks: ["Boo."] });
    await readSse(
      await jar.post(`${restarted.url}/api/character-chat-stream`, {
        character: "ghost",
        message: "And then?",
      }),
    );
    const roles = upstream.requests.at(-1)!.body.messages!.map((message) => message.role);
    ok(roles.every((role, i) => i === 0 || role !== roles[i - 1] || role === "system"), roles.join(" "));
  } finally {
    await restarted.stop();
    await upstream.close();
  }
});

Deno.test("an instance that shuts down tells its readers of another instance's answer, and exits within its grace", async () => {
  const upstream = new FakeUpstream();
  upstream.use({ chunks: Array.from({ length: 600 }, (_, i) => `${i} `), delayMs: 20 });
  const env = {
    OPENAI_BASE_URL: upstream.baseURL,
    KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }),
    STREAM_POLL_MS: "50",
  };
  const a = await startMain(env);
  const b = await startMain({ ...env, SHUTDOWN_GRACE: "1" });
  try {
    const jar = new CookieJar();
    const answerId = crypto.randomUUID();
    const owner = readSse(
      await jar.post(`${a.url}/api/trivia-bot-stream`, { question: "Count", request_id: answerId }),
    );
    await sleep(300);
    const follower = readSse(
      await jar.fetch(`${b.url}/api/streams/${answerId}`, { headers: { "last-event-id": "1" } }),
    );
    await sleep(300);
    const signalled = performance.now();
    b.process.kill("SIGTERM");
    const followed = await follower;
    const error = followed.events.at(-1)!.payload;
    equal(error.type === "error" && error.code, "shutdown", "the reader is told");
    await b.process.status;
    const took = performance.now() - signalled;
    ok(took < 3000, `exited ${took.toFixed(0)} ms after SIGTERM`);
    // The answer itself goes on at its own instance.
    await jar.post(`${a.url}/api/streams/${answerId}/stop`, {});
    equal((await owner).events.at(-1)?.payload.type, "done");
  } finally {
    await a.stop();
    await b.stop().catch(() => {});
    await upstream.close();
  }
});
