import { InstanceLease } from "../instance_lease.ts";
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { contentEvent, doneEvent } from "../shared/contract.ts";
import { StreamHub } from "./hub.ts";
import { EventLog } from "./event_log.ts";

const META = { sessionId: "s", fingerprint: "f", feature: "trivia-bot", shelf: "trivia-bot" };

/** An answer that another instance runs: claimed, leased and logged, with no AnswerRun here. */
async function answerElsewhere(kv: Deno.Kv, pollMs: number) {
  const log = new EventLog(kv, 60_000, new InstanceLease(kv, 5000));
  const hub = new StreamHub(log, {
    graceMs: 5000,
    pollMs,
    describeError: () => ({ message: "x" }),
    maxReaders: 60,
    replaysPerMinute: 3,
  });
  await log.create("a1", META);
  const claimed = (await log.metaEntry("a1"))!;
  let written = { meta: claimed.value, versionstamp: claimed.versionstamp };
  const write = async (events: Array<{ id: number; text: string }>, finished = false) => {
    written = await log.append(
      "a1",
      written.meta,
      events.map(({ id, text }) => ({ id, event: contentEvent(text) })),
      finished,
      written.versionstamp,
    );
  };
  return {
    log,
    hub,
    write,
    finish: async (id: number) => {
      written = await log.append(
        "a1",
        written.meta,
        [{ id, event: doneEvent() }],
        true,
        written.versionstamp,
      );
    },
  };
}

Deno.test("fifty readers of another instance's answer share one poll loop", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const { log, hub, write, finish } = await answerElsewhere(kv, 20);
    await write([{ id: 1, text: "a" }]);
    log.metaReads = 0;
    const readers = Array.from({ length: 50 }, () => Array.fromAsync(hub.read("a1", 0)));
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await write([{ id: 2, text: "b" }]);
    await finish(3);
    const results = await Promise.all(readers);
    const polls = (performance.now() - started) / 20;
    for (const events of results) deepEqual(events.map((e) => e.id), [1, 2, 3]);
    ok(log.metaReads <= polls * 2 + 4, `${log.metaReads} meta reads in ${polls.toFixed(0)} poll intervals`);
  } finally {
    kv.close();
  }
});

Deno.test("readers per answer are capped, and so are replays from the start per session", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const { hub, write, finish } = await answerElsewhere(kv, 20);
    await write([{ id: 1, text: "a" }]);
    const open = Array.from({ length: 60 }, () => hub.read("a1", 1).getReader());
    throws(() => hub.read("a1", 1), /too many readers/);
    for (const reader of open) await reader.cancel();
    for (let i = 0; i < 3; i++) await hub.reread("a1", 0, "s").cancel();
    throws(() => hub.reread("a1", 0, "s"), /too many replays/);
    await hub.reread("a1", 1, "s").cancel(); // resuming after an event is not a replay
    await finish(2);
  } finally {
    kv.close();
  }
});

Deno.test("a reader following a dead instance's answer from beyond its log hears the orphan's error and done", async () => {
  using kv = await Deno.openKv(":memory:");
  const log = new EventLog(kv, 60_000, new InstanceLease(kv, 30));
  const hub = new StreamHub(log, { graceMs: 5000, pollMs: 5, describeError: () => ({ message: "x" }) });
  await log.create("a1", META);
  const claimed = (await log.metaEntry("a1"))!;
  const logged = [1, 2, 3, 4, 5].map((id) => ({ id, event: contentEvent(`w${id} `) }));
  await log.append("a1", claimed.value, logged, false, claimed.versionstamp);
  // The reader was shown six events (one never logged): it follows from 6; the owner is dead.
  const types: Array<[number, string]> = [];
  for await (const { id, event } of hub.read("a1", 6)) types.push([id, event.type]);
  deepEqual(types, [[7, "error"], [8, "done"]]);
});

Deno.test("another instance's Stop reaches the answer through its instance's mailbox, within a poll or two", async () => {
  using kv = await Deno.openKv(":memory:");
  const options = { graceMs: 5000, pollMs: 20, describeError: () => ({ message: "x" }) };
  const running = new StreamHub(new EventLog(kv, 60_000, new InstanceLease(kv, 3000)), options);
  const elsewhere = new StreamHub(new EventLog(kv, 60_000, new InstanceLease(kv, 3000)), options);
  await running.claim("a1", META);
  let cancelled = false;
  let sent = 0;
  const deltas = new ReadableStream({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      controller.enqueue({ kind: "content" as const, text: `d${sent++} ` });
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  await running.launch("a1", deltas);
  const reader = running.read("a1", 0).getReader();
  await reader.read();
  const asked = performance.now();
  ok(await elsewhere.stop("a1"), "there was something to stop");
  let last;
  for (let r = await reader.read(); !r.done; r = await reader.read()) last = r.value;
  ok(cancelled);
  deepEqual(last?.event.type, "done");
  ok(performance.now() - asked < 300, `stopped after ${(performance.now() - asked).toFixed(0)} ms`);
});

Deno.test("during an upgrade, an answer run by the earlier version lives while it renews its own lease, and lapses when it stops", async () => {
  using kv = await Deno.openKv(":memory:");
  const log = new EventLog(kv, 60_000, new InstanceLease(kv, 100));
  const old = { ...META, status: "running", lastId: 0, createdAt: Date.now() - 1000 };
  await kv.set(["stream", "o1"], old);
  await kv.set(["stream_lease", "o1"], Date.now());
  equal(await log.leaseAlive("o1"), true, "renewed lately");
  await new Promise((resolve) => setTimeout(resolve, 150));
  equal(await log.leaseAlive("o1"), false, "not renewed for a lease");
  // And this version's answers keep the earlier version from taking them for orphaned.
  await log.create("n1", META);
  const lease = (await kv.get<number>(["stream_lease", "n1"])).value!;
  ok(lease > Date.now() + 50_000, "its lease looks renewed for its longest run");
});
