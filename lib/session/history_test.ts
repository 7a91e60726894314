import { deepEqual, equal } from "node:assert/strict";
import { HISTORY_LIMIT, HistoryStore } from "./history.ts";

async function withStore(fn: (store: HistoryStore, kv: Deno.Kv) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(new HistoryStore(kv), kv);
  } finally {
    kv.close();
  }
}

Deno.test("messages come back in order, per session and conversation", async () => {
  await withStore(async (store) => {
    await store.append("s1", "character-chat/dracula", { role: "user", content: "Hi" });
    await store.append("s1", "character-chat/dracula", {
      role: "assistant",
      content: "Good evening",
      incomplete: true,
    });
    await store.append("s1", "character-chat/ghost", { role: "user", content: "Boo" });
    await store.append("s2", "character-chat/dracula", { role: "user", content: "Other session" });
    const dracula = await store.list("s1", "character-chat/dracula");
    deepEqual(dracula.map((m) => [m.role, m.content, m.incomplete]), [
      ["user", "Hi", undefined],
      ["assistant", "Good evening", true],
    ]);
    equal((await store.list("s1", "character-chat/ghost")).length, 1);
    equal((await store.list("s2", "character-chat/dracula"))[0].content, "Other session");
    deepEqual((await store.list("s1", "character-chat/dracula", 1)).map((m) => m.content), ["Good evening"]);
  });
});

Deno.test("a conversation keeps its last HISTORY_LIMIT messages", async () => {
  await withStore(async (store, kv) => {
    for (let i = 0; i < HISTORY_LIMIT + 15; i++) {
      await store.append("s", "trivia-bot", { role: "user", content: `m${i}` });
    }
    const kept = await store.list("s", "trivia-bot", 1000);
    equal(kept.length, HISTORY_LIMIT);
    equal(kept[0].content, "m15");
    equal(kept.at(-1)!.content, `m${HISTORY_LIMIT + 14}`);
    equal((await Array.fromAsync(kv.list({ prefix: ["history", "s"] }))).length, HISTORY_LIMIT);
  });
});

Deno.test("concurrent appends to one conversation all land", async () => {
  await withStore(async (store) => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.append("s", "c", { role: "user", content: `${i}` })),
    );
    equal((await store.list("s", "c")).length, 8);
  });
});

Deno.test("clearing a feature clears all of its conversations and nothing else", async () => {
  await withStore(async (store) => {
    await store.append("s", "character-chat/dracula", { role: "user", content: "a" });
    await store.append("s", "character-chat/witch", { role: "user", content: "b" });
    await store.append("s", "trivia-bot", { role: "user", content: "c" });
    await store.clearFeature("s", "character-chat");
    equal((await store.list("s", "character-chat/dracula")).length, 0);
    equal((await store.list("s", "character-chat/witch")).length, 0);
    equal((await store.list("s", "trivia-bot")).length, 1);
    await store.append("s", "character-chat/dracula", { role: "user", content: "again" });
    equal((await store.list("s", "character-chat/dracula")).length, 1);
  });
});
