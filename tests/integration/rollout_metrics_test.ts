/** Gradual rollout of streaming, and the metrics an operator watches it with. */
import { equal, match, ok } from "node:assert/strict";
import { streamsFor } from "../../lib/rollout.ts";
import { type RunningApp, withApp as withUpstreamApp } from "../support/app_server.ts";
import { pagePropsOf } from "../support/page_props.ts";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream, sleep } from "../support/fake_upstream.ts";
import { readSse } from "../support/sse_client.ts";

const propsOf = pagePropsOf;

const withApp = (
  env: Record<string, string>,
  body: (app: RunningApp, upstream: FakeUpstream) => Promise<void>,
) => withUpstreamApp(env, body, (upstream) => upstream.use({ chunks: ["a ", "b ", "c"] }));

Deno.test("ENABLE_STREAMING=50%: each session streams or not by its stable bucket, end to end", async () => {
  await withApp({ ENABLE_STREAMING: "50%" }, async (app, upstream) => {
    let streaming = 0;
    for (let i = 0; i < 40; i++) {
      const jar = new CookieJar();
      const page = await (await jar.fetch(app.url)).text();
      const session = jar.cookies.get("kabotan_session")!;
      ok(session, "a first visit gets its session at once");
      const expected = streamsFor(50, session);
      equal(propsOf(page).streaming, expected, `session ${i}`);
      equal(propsOf(await (await jar.fetch(app.url)).text()).streaming, expected, "stable across visits");
      const result = await readSse(await jar.post(`${app.url}/api/trivia-bot-stream`, { question: `q${i}` }));
      equal(result.text, "a b c", "the same answer either way");
      equal(
        upstream.requests.at(-1)!.body.stream,
        expected ? true : undefined,
        "streamed upstream, or asked whole",
      );
      if (expected) streaming++;
    }
    ok(streaming > 5 && streaming < 35, `${streaming} of 40 stream`);
  });
});

Deno.test("?streaming=on|off overrides the rollout for one browser", async () => {
  await withApp({ ENABLE_STREAMING: "false" }, async (app, upstream) => {
    const tester = new CookieJar();
    equal(propsOf(await (await tester.fetch(`${app.url}/?streaming=on`)).text()).streaming, true);
    equal(propsOf(await (await tester.fetch(app.url)).text()).streaming, true, "remembered by this browser");
    const result = await readSse(await tester.post(`${app.url}/api/spell-generator-stream`, {}));
    equal(result.text, "a b c");
    equal(upstream.requests.at(-1)!.body.stream, true);
    const other = new CookieJar();
    equal(
      propsOf(await (await other.fetch(app.url)).text()).streaming,
      false,
      "other browsers follow the rollout",
    );
    equal(propsOf(await (await tester.fetch(`${app.url}/?streaming=off`)).text()).streaming, false);
  });
});

function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split("\n").find((l) =>
    l.startsWith(name) && (l[name.length] === " " || l[name.length] === "{") &&
    wanted.every((w) => l.includes(w))
  );
  return line ? Number(line.split(" ").at(-1)) : 0;
}

Deno.test("metrics move as a scripted run of answers, errors, stops and departures says", async () => {
  await withApp({ STREAMING_IDLE_TIMEOUT: "1" }, async (app, upstream) => {
    const jar = new CookieJar();
    const chat = (message: string, extra = {}) =>
      jar.post(`${app.url}/api/character-chat-stream`, { character: "ghost", message, ...extra });

    upstream.use({ chunks: ["fine ", "answer"], usage: { prompt_tokens: 5, completion_tokens: 2 } });
    await readSse(await chat("one"));
    await readSse(await chat("two"));
    equal(
      (await (await jar.post(`${app.url}/api/character-chat`, { character: "ghost", message: "json" }))
        .json()).content,
      "fine answer",
    );
    upstream.use({ chunks: ["bro", "ken"], errorAfter: 1 });
    await readSse(await chat("three"));
    upstream.use({ chunks: ["slow"], stallAfter: 1 });
    await readSse(await chat("four"));
    upstream.use({ chunks: Array.from({ length: 100 }, (_, i) => `${i} `), delayMs: 20 });
    const answerId = crypto.randomUUID();
    const stopping = readSse(await chat("five", { request_id: answerId }));
    await sleep(100);
    await jar.post(`${app.url}/api/streams/${answerId}/stop`, {});
    await stopping;
    const leaving = (await chat("six")).body!.getReader();
    await leaving.read();
    await leaving.cancel();
    await upstream.nextClose();
    upstream.use({ status: 503, headers: { "retry-after-ms": "1" } }, { chunks: ["retried"] });
    await readSse(await chat("seven"));
    await sleep(100);

    const response = await fetch(`${app.url}/metrics`);
    equal(response.status, 200);
    match(response.headers.get("content-type")!, /text\/plain/);
    const text = await response.text();
    const answers = (outcome: string, mode = "stream") =>
      metric(text, "kabotan_answers_total", { feature: "character-chat", mode, outcome });
    equal(answers("done"), 3, text);
    equal(answers("done", "json"), 1);
    equal(answers("error"), 1);
    equal(answers("timeout"), 1);
    equal(answers("stopped"), 1);
    equal(answers("client_gone"), 1);
    equal(metric(text, "kabotan_open_streams"), 0);
    equal(metric(text, "kabotan_time_to_first_chunk_seconds_count", { feature: "character-chat" }), 7);
    equal(metric(text, "kabotan_answer_duration_seconds_count", { mode: "stream" }), 7);
    ok(
      metric(text, "kabotan_tokens_per_second_count", { feature: "character-chat" }) >= 1,
      "answers that streamed for a while have a rate",
    );
    equal(metric(text, "kabotan_upstream_attempts_total", { status: "503" }), 1);
    equal(metric(text, "kabotan_upstream_attempts_total", { status: "200" }), upstream.requests.length - 1);
    equal(metric(text, "kabotan_upstream_latency_seconds_count"), upstream.requests.length);
  });
});

Deno.test("with METRICS_TOKEN, /metrics wants it", async () => {
  await withApp({ METRICS_TOKEN: "m-token" }, async (app) => {
    const denied = await fetch(`${app.url}/metrics`);
    equal(denied.status, 401);
    await denied.body?.cancel();
    const allowed = await fetch(`${app.url}/metrics`, { headers: { authorization: "Bearer m-token" } });
    equal(allowed.status, 200);
    match(await allowed.text(), /kabotan_open_streams/);
  });
});
