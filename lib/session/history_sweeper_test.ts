import { deepEqual, equal, ok } from "node:assert/strict";
import { ConversationStore } from "./conversation_store.ts";
import { sweepLapsedSessions } from "./history_sweeper.ts";
import { SessionStore } from "./sessions.ts";

const DAY = 24 * 3600 * 1000;

Deno.test("a session lives HISTORY_DAYS after its last visit; then everything it kept is deleted", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const sessions = new SessionStore(kv, () => now, 30 * DAY);
    const store = new ConversationStore(kv, () => now);
    const idle = await sessions.create();
    let loyal = await sessions.create();
    for (const session of [idle, loyal]) {
      const asked = await store.ask(session.id, { shelf: "trivia-bot", feature: "trivia-bot" }, {
        content: "q",
      }, {
        writer: "w",
      });
      await store.finish(asked.address, { content: "a", incomplete: false });
    }
    const kept = async (id: string) =>
      (await Array.fromAsync(kv.list({ prefix: [] }))).filter((e) => e.key.includes(id)).length;
    const loyalBefore = await kept(loyal.id);

    // 29 days on, the loyal one comes back: its 30 days start again (and its first message, from day 0, stays).
    now += 29 * DAY;
    loyal = await sessions.touch(loyal);
    equal(await sweepLapsedSessions(kv, store, now), 0, "nobody has lapsed yet");

    now += 2 * DAY; // day 31: the idle one lapsed a day ago
    equal(await sweepLapsedSessions(kv, store, now), 1);
    equal(await kept(idle.id), 0, "nothing the idle session kept is left, its index entry included");
    equal(await kept(loyal.id), loyalBefore, "the returning session keeps everything, however old");
    deepEqual((await store.shelfMessages(loyal.id, "trivia-bot")).map((m) => m.content), ["q", "a"]);

    now += 30 * DAY;
    equal(await sweepLapsedSessions(kv, store, now), 1, "a month after its last visit, it goes too");
    equal(await kept(loyal.id), 0);
    ok((await Array.fromAsync(kv.list({ prefix: ["history_expiry"] }))).length === 0, "the index is empty");
  } finally {
    kv.close();
  }
});
