import { deepEqual, equal, ok } from "node:assert/strict";
import { StreamController } from "./stream_controller.ts";

const encoder = new TextEncoder();
const frame = (id: number, event: unknown) => `id: ${id}\ndata: ${JSON.stringify(event)}\n\n`;

/** A fake clock: Date.now and performance.now advance only when told; timers fire as it moves. */
class FakeClock {
  now = 1_000_000;
  #timers: Array<{ at: number; run: () => void }> = [];
  setTimeout = (run: () => void, ms = 0) => {
    this.#timers.push({ at: this.now + ms, run });
    return this.#timers.length;
  };
  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    // Let what is already under way (a rejection travelling through awaits) schedule its timers.
    await new Promise((resolve) => setTimeout(resolve, 0));
    while (true) {
      this.#timers.sort((a, b) => a.at - b.at);
      const next = this.#timers[0];
      if (!next || next.at > until) break;
      this.#timers.shift();
      this.now = next.at;
      next.run();
      await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    this.now = until;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** A response body the test feeds by hand, and can break. */
function controllableBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return {
    body,
    send: (text: string) => controller.enqueue(encoder.encode(text)),
    drop: () => controller.error(new TypeError("network connection lost")),
    end: () => controller.close(),
  };
}

const sse = (body: ReadableStream<Uint8Array>) =>
  new Response(body, { headers: { "content-type": "text/event-stream" } });

Deno.test("a connection that drops long after the answer began is still resumed, from the drop", async () => {
  const clock = new FakeClock();
  {
    const first = controllableBody();
    const second = controllableBody();
    const calls: Array<{ url: string; lastEventId: string | null }> = [];
    const fetcher = ((url: string, init?: RequestInit) => {
      calls.push({ url, lastEventId: new Headers(init?.headers).get("last-event-id") });
      return Promise.resolve(sse(calls.length === 1 ? first.body : second.body));
    }) as typeof fetch;
    const controller = new StreamController({
      streaming: true,
      updateIntervalMs: 0,
      fetch: fetcher,
      resumeWindowMs: 25_000,
      clock: { now: () => clock.now, setTimeout: clock.setTimeout, frame: (run) => clock.setTimeout(run, 0) },
    });
    const running = controller.run("story-generator", { name: "Mina", theme: "fog" });
    await clock.advance(0);
    first.send(frame(1, { chunk: "Once ", type: "content" }));
    await clock.advance(30_000); // a long story: half a minute in
    first.send(frame(2, { chunk: "upon ", type: "content" }));
    await clock.advance(10);
    first.drop();
    await clock.advance(2_000);
    equal(
      calls.length,
      2,
      `it came back for the rest (${controller.status.value} ${
        JSON.stringify(controller.failure.value)
      } ${controller.text.value})`,
    );
    ok(calls[1].url.startsWith("/api/streams/"), calls[1].url);
    equal(calls[1].lastEventId, "2");
    second.send(frame(3, { chunk: "a time", type: "content" }) + frame(4, { chunk: "", type: "done" }));
    await clock.advance(100);
    equal(await running, "done");
    equal(controller.text.value, "Once upon a time");
  }
});

Deno.test("reconnecting gives up once the window from the drop has passed", async () => {
  const clock = new FakeClock();
  const first = controllableBody();
  let calls = 0;
  const fetcher = (() => {
    calls++;
    return calls === 1 ? Promise.resolve(sse(first.body)) : Promise.reject(new TypeError("offline"));
  }) as typeof fetch;
  const controller = new StreamController({
    streaming: true,
    updateIntervalMs: 0,
    fetch: fetcher,
    resumeWindowMs: 10_000,
    clock: { now: () => clock.now, setTimeout: clock.setTimeout, frame: (run) => clock.setTimeout(run, 0) },
  });
  const running = controller.run("trivia-bot", {});
  await clock.advance(0);
  first.send(frame(1, { chunk: "A fact", type: "content" }));
  await clock.advance(5);
  first.drop();
  await clock.advance(9_000);
  equal(controller.status.value, "streaming", "still trying within the window");
  ok(controller.reconnecting.value);
  await clock.advance(5_000);
  equal(await running, "error");
  deepEqual(controller.failure.value, { code: "network" });
  equal(controller.text.value, "A fact", "the text so far stays");
});

Deno.test("an instance going away (its answer goes on elsewhere) is left at once and quietly: no Reconnecting", async () => {
  const clock = new FakeClock();
  const first = controllableBody();
  const second = controllableBody();
  const calls: Array<string | null> = [];
  const fetcher = ((_url: string, init?: RequestInit) => {
    calls.push(new Headers(init?.headers).get("last-event-id"));
    return Promise.resolve(sse(calls.length === 1 ? first.body : second.body));
  }) as typeof fetch;
  const controller = new StreamController({
    streaming: true,
    updateIntervalMs: 0,
    fetch: fetcher,
    resumeWindowMs: 25_000,
    clock: { now: () => clock.now, setTimeout: clock.setTimeout, frame: (run) => clock.setTimeout(run, 0) },
  });
  const reconnecting: boolean[] = [];
  controller.reconnecting.subscribe((value) => reconnecting.push(value));
  const running = controller.run("character-chat", { character: "ghost", message: "Boo?" });
  await clock.advance(0);
  first.send(frame(1, { chunk: "I was ", type: "content" }));
  // Sent without an id: the server restarts, the answer goes on at another instance.
  first.send(`data: ${JSON.stringify({ error: "restarting", type: "error", code: "shutdown" })}\n\n`);
  first.end();
  await clock.advance(0);
  deepEqual(calls, [null, "1"], "it came back at once, from event 1");
  second.send(frame(2, { chunk: "a maid.", type: "content" }) + frame(3, { chunk: "", type: "done" }));
  await clock.advance(100);
  equal(await running, "done");
  equal(controller.text.value, "I was a maid.");
  ok(!reconnecting.includes(true), "no Reconnecting was shown");
});
