import { InstanceLease } from "../instance_lease.ts";
import { deepEqual, equal, ok } from "node:assert/strict";
import type { NumberedEvent } from "../sse/relay.ts";
import { AnswerRun, splitText } from "./answer_run.ts";
import { EventLog, type StreamMeta } from "./event_log.ts";
import type { Delta } from "../llm/types.ts";
/** An answer delta (not thinking). */
const content = (text: string): Delta => ({ kind: "content", text });

const describeError = (error: unknown) => ({ message: String(error), code: "test" });

/** A source that sends `count` deltas, one per `gapMs`, and records whether it was cancelled. */
function source(count: number, gapMs = 0) {
  const state = { cancelled: false, sent: 0 };
  const stream = new ReadableStream<Delta>({
    async pull(controller) {
      if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      if (state.sent === count) return controller.close();
      controller.enqueue(content(`d${state.sent++} `));
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

async function withRun(
  deltas: ReadableStream<Delta>,
  options: { graceMs?: number; pollMs?: number },
  body: (run: AnswerRun, log: EventLog, kv: Deno.Kv) => Promise<void>,
) {
  const kv = await Deno.openKv(":memory:");
  const log = new EventLog(kv, 60_000, new InstanceLease(kv, 3000));
  const meta = { sessionId: "s", fingerprint: "f", feature: "trivia-bot", shelf: "trivia-bot" };
  await log.create("g1", meta);
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const run = new AnswerRun(deltas, {
    id: "g1",
    ...(await claimed(log)),
    eventLog: log,
    graceMs: options.graceMs ?? 5000,
    pollMs: options.pollMs ?? 20,
    describeError,
    onFinished: finished,
  });
  try {
    await body(run, log, kv);
  } finally {
    run.stop();
    await done;
    kv.close();
  }
}

const texts = (events: NumberedEvent[]) =>
  events.map((e) => (e.event.type === "content" ? e.event.chunk : e.event.type));

Deno.test("every reader sees the same numbered events, and a late reader the tail", async () => {
  const { stream } = source(20, 2);
  await withRun(stream, {}, async (run) => {
    const [a, b] = await Promise.all([
      Array.fromAsync(run.read(0)),
      Array.fromAsync(run.read(0)),
    ]);
    deepEqual(a, b);
    equal(a.length, 21);
    deepEqual(a.map((e) => e.id), Array.from({ length: 21 }, (_, i) => i + 1));
    equal(texts(a).at(-1), "done");
    const tail = await Array.fromAsync(run.read(15));
    deepEqual(tail.map((e) => e.id), [16, 17, 18, 19, 20, 21]);
  });
});

Deno.test("the log holds every event, written in far fewer batches than events", async () => {
  const { stream } = source(500);
  await withRun(stream, {}, async (run, log) => {
    await Array.fromAsync(run.read(0));
    await new Promise((r) => setTimeout(r, 50));
    const logged = await log.eventsAfter("g1", 0);
    deepEqual(logged, run.events);
    equal((await log.meta("g1"))?.status, "finished");
    ok(log.batchesWritten * 20 < logged.length, `${log.batchesWritten} batches for ${logged.length} events`);
    deepEqual((await log.eventsAfter("g1", 495)).map((e) => e.id), [496, 497, 498, 499, 500, 501]);
  });
});

Deno.test("stop ends the answer with done and cancels the model's stream", async () => {
  const { stream, state } = source(1000, 5);
  await withRun(stream, {}, async (run) => {
    const reader = run.read(0).getReader();
    await reader.read();
    run.stop();
    const rest: NumberedEvent[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest.push(r.value);
    equal(texts(rest).at(-1), "done");
    ok(state.cancelled);
    ok(state.sent < 1000);
  });
});

Deno.test("a Stop asked on the answer itself (not through its instance's mailbox) still arrives, within a few seconds", async () => {
  const { stream, state } = source(10_000, 5);
  await withRun(stream, { pollMs: 20 }, async (run, log) => {
    const reader = run.read(0).getReader();
    await reader.read();
    const asked = performance.now();
    await log.requestStop("g1", { ...(await log.meta("g1"))!, instance: "elsewhere" });
    while (!run.finished) await new Promise((r) => setTimeout(r, 5));
    ok(state.cancelled);
    ok(performance.now() - asked < 3000, `stopped after ${performance.now() - asked} ms`);
    await reader.cancel();
  });
});

Deno.test("with no reader the answer goes on for the grace period, then stops", async () => {
  const { stream, state } = source(10_000, 5);
  await withRun(stream, { graceMs: 150 }, async (run) => {
    const reader = run.read(0).getReader();
    await reader.read();
    await reader.cancel();
    await new Promise((r) => setTimeout(r, 80));
    ok(!state.cancelled, "still going within the grace period");
    const back = run.read(run.events.length).getReader();
    await new Promise((r) => setTimeout(r, 200));
    ok(!state.cancelled, "a reader came back in time");
    await back.cancel();
    await new Promise((r) => setTimeout(r, 300));
    ok(state.cancelled, "stopped once nobody came back");
    ok(run.finished);
  });
});

Deno.test("a reader on another instance keeps the answer alive with its heartbeat", async () => {
  const { stream, state } = source(10_000, 5);
  await withRun(stream, { graceMs: 150 }, async (run, log) => {
    const reader = run.read(0).getReader();
    await reader.read();
    await reader.cancel();
    for (let i = 0; i < 4; i++) {
      await log.heartbeat("g1");
      await new Promise((r) => setTimeout(r, 100));
    }
    ok(!state.cancelled);
  });
});

Deno.test("long text is split without breaking a surrogate pair", () => {
  const text = "ab🦇cd🦇".repeat(3);
  for (let size = 2; size <= 8; size++) {
    const pieces = splitText(text, size);
    equal(pieces.join(""), text);
    ok(
      pieces.every((p) => p.length <= size && !/[\uD800-\uDBFF]$/.test(p) && !/^[\uDC00-\uDFFF]/.test(p)),
      `${size}`,
    );
  }
});

/** A EventLog whose batch writes fail while `failing` says so. */
class FlakyLog extends EventLog {
  failing: (attempt: number) => boolean = () => false;
  attempts = 0;
  override append(...args: Parameters<EventLog["append"]>): ReturnType<EventLog["append"]> {
    if (this.failing(++this.attempts)) return Promise.reject(new Error("KV is unavailable"));
    return super.append(...args);
  }
}

async function withFlakyLog(
  deltas: ReadableStream<Delta>,
  failing: (attempt: number) => boolean,
  body: (run: AnswerRun, log: FlakyLog, finished: Promise<void>) => Promise<void>,
) {
  const kv = await Deno.openKv(":memory:");
  const log = new FlakyLog(kv, 60_000, new InstanceLease(kv, 3000));
  await log.create("g1", {
    sessionId: "s",
    fingerprint: "f",
    feature: "trivia-bot",
    shelf: "trivia-bot",
  });
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  log.failing = failing;
  const run = new AnswerRun(deltas, {
    id: "g1",
    ...(await claimed(log)),
    eventLog: log,
    graceMs: 5000,
    pollMs: 20,
    describeError,
    onFinished: finished,
    retryDelayMs: 5,
  });
  try {
    await body(run, log, done);
  } finally {
    run.stop();
    await done;
    kv.close();
  }
}

Deno.test("a failed log write is retried: a reader elsewhere gets every event, no gap", async () => {
  const { stream } = source(30, 3);
  await withFlakyLog(
    stream,
    (attempt) => attempt === 2 || attempt === 3,
    async (run, log, finished) => {
      const local = await Array.fromAsync(run.read(0));
      await finished; // everything is written
      const logged = await log.eventsAfter("g1", 0);
      deepEqual(texts(logged), texts(local), "the log holds what this instance's readers saw");
      deepEqual(logged.map((e) => e.id), local.map((_, i) => i + 1), "ids are dense");
      equal((await log.meta("g1"))?.status, "finished");
    },
  );
});

Deno.test("when the log stays unwritable the answer ends with an error, not a silent gap", async () => {
  const { stream, state } = source(1000, 2);
  await withFlakyLog(stream, (attempt) => attempt >= 2, async (run) => {
    const local = await Array.fromAsync(run.read(0));
    const kinds = texts(local);
    equal(kinds.at(-1), "done");
    equal(kinds.at(-2), "error");
    const error = local.at(-2)!.event;
    ok(error.type === "error" && error.code === "storage", `the error says why: ${JSON.stringify(error)}`);
    ok(state.cancelled, "the model's stream was stopped");
  });
});

/** The claimed answer's meta and versionstamp, as the hub launches it. */
async function claimed(log: EventLog, id = "g1"): Promise<{ meta: StreamMeta; versionstamp: string }> {
  const entry = (await log.metaEntry(id))!;
  return { meta: entry.value, versionstamp: entry.versionstamp };
}

Deno.test("a Stop asked while the answer is being handed over wins: it ends here, as stopped, and nothing is handed over", async () => {
  const { stream, state } = source(10_000, 5);
  const kv = await Deno.openKv(":memory:");
  const log = new EventLog(kv, 60_000, new InstanceLease(kv, 3000));
  await log.create("h1", { sessionId: "s", fingerprint: "f", feature: "trivia-bot", shelf: "trivia-bot" });
  let recipeAsked = false;
  const run = new AnswerRun(stream, {
    id: "h1",
    ...(await claimed(log, "h1")),
    eventLog: log,
    graceMs: 5000,
    pollMs: 20,
    describeError,
    recipe: () => {
      recipeAsked = true;
      return Promise.resolve({ how: "go on" });
    },
  });
  const reader = run.read(0).getReader();
  await reader.read();
  const handing = run.handOver();
  run.stop();
  equal(await handing, false, "not handed over");
  const rest: NumberedEvent[] = [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest.push(r.value);
  equal(rest.at(-1)?.event.type, "done");
  ok(rest.every(({ event }) => event.type !== "error"), "no shutdown error: it was stopped");
  ok(state.cancelled);
  equal(recipeAsked, false);
  equal((await log.meta("h1"))?.handedOverAt, undefined);
  deepEqual(await log.handedOver(), []);
  kv.close();
});
