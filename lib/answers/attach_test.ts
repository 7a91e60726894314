import { InstanceLease } from "../instance_lease.ts";
import { deepEqual, equal } from "node:assert/strict";
import { readSse } from "../../tests/support/sse_client.ts";
import { contentEvent, doneEvent, errorEvent } from "../shared/contract.ts";
import { EventLog } from "../streams/event_log.ts";
import { StreamHub } from "../streams/hub.ts";
import { readAnswer } from "./attach.ts";

Deno.test("a reader shown more than its dead instance logged still hears the orphan's error and done, after what it has", async () => {
  using kv = await Deno.openKv(":memory:");
  const log = new EventLog(kv, 60_000, new InstanceLease(kv, 1));
  const hub = new StreamHub(new EventLog(kv, 60_000, new InstanceLease(kv, 1)), {
    graceMs: 1000,
    pollMs: 10,
    describeError: () => ({ message: "x" }),
  });
  await log.create("a1", { sessionId: "s", fingerprint: "f", feature: "trivia-bot", shelf: "trivia-bot" });
  const claimed = (await log.metaEntry("a1"))!;
  // Five events logged; the instance sent its reader eight before it died.
  const events = [1, 2, 3, 4, 5].map((id) => ({ id, event: contentEvent(`w${id} `) }));
  await log.append("a1", claimed.value, events, false, claimed.versionstamp);
  await new Promise((resolve) => setTimeout(resolve, 5)); // its lease lapses
  const ended = await log.endOrphan("a1", (lastId) => [
    { id: lastId + 1, event: errorEvent("cut off", "orphaned") },
    { id: lastId + 2, event: doneEvent() },
  ]);
  equal(ended?.lastId, 7);
  for (const lastEventId of [6, 7, 8]) {
    const read = await readSse(
      readAnswer(hub, "a1", ended!, { owner: "s", lastEventId, keepAliveMs: 10_000 }),
    );
    deepEqual(read.events.map((e) => [Number(e.id), e.payload.type]), [
      [lastEventId + 1, "error"],
      [lastEventId + 2, "done"],
    ]);
  }
  // A reader that had only what was logged reads the closing events as logged.
  const logged = await readSse(
    readAnswer(hub, "a1", ended!, { owner: "s", lastEventId: 5, keepAliveMs: 10_000 }),
  );
  deepEqual(logged.events.map((e) => [Number(e.id), e.payload.type]), [[6, "error"], [7, "done"]]);
});
