import { deepEqual, equal, ok } from "node:assert/strict";
import { ConversationStore, newWriterToken, TURN_LIMIT } from "./conversation_store.ts";
import { CHUNK_CHARACTERS } from "./answer_text.ts";

async function withStore(fn: (store: ConversationStore, kv: Deno.Kv) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(new ConversationStore(kv), kv);
  } finally {
    kv.close();
  }
}

const chat = (slot: string) => ({ slot, feature: slot.split("/")[0] });

/** Asks and answers one turn. */
async function turn(
  store: ConversationStore,
  session: string,
  slot: string,
  question: string,
  answer: string,
) {
  const { address } = await store.ask(session, chat(slot), { content: question }, {
    writer: newWriterToken(),
  });
  equal(await store.finish(address, { content: answer, incomplete: false }), "written");
  return address;
}

const shown = async (store: ConversationStore, session: string, slot: string) =>
  (await store.slotMessages(session, slot)).map((m) => `${m.role[0]}:${m.content}${m.incomplete ? "…" : ""}`);

Deno.test("turns come back in order, per session and slot, each answer with its question", async () => {
  await withStore(async (store) => {
    await turn(store, "s1", "character-chat/dracula", "Hi", "Good evening");
    await turn(store, "s1", "character-chat/ghost", "Boo", "Eek");
    await turn(store, "s2", "character-chat/dracula", "Other session", "Hello stranger");
    await turn(store, "s1", "character-chat/dracula", "How are you?", "Undead");
    deepEqual(await shown(store, "s1", "character-chat/dracula"), [
      "u:Hi",
      "a:Good evening",
      "u:How are you?",
      "a:Undead",
    ]);
    deepEqual(await shown(store, "s1", "character-chat/ghost"), ["u:Boo", "a:Eek"]);
    deepEqual(await shown(store, "s2", "character-chat/dracula"), ["u:Other session", "a:Hello stranger"]);
  });
});

Deno.test("questions sent at once line up, and each answer lands on its own question", async () => {
  await withStore(async (store) => {
    const asked = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) => store.ask("s", chat("c"), { content: `q${i}` }, { writer: `w${i}` }),
      ),
    );
    // Answered in another order than asked.
    await Promise.all(
      asked.reverse().map(({ address }) =>
        store.finish(address, { content: `answer to ${address.writer.slice(1)}`, incomplete: false })
      ),
    );
    const messages = await store.slotMessages("s", "c");
    equal(messages.length, 40);
    for (let i = 0; i < 40; i += 2) {
      equal(messages[i].role, "user");
      equal(messages[i + 1].content, `answer to ${messages[i].content.slice(1)}`);
    }
  });
});

Deno.test("an answer of any length comes back whole, in any script", async () => {
  await withStore(async (store) => {
    const long = "吸血鬼の城🦇".repeat(Math.ceil(CHUNK_CHARACTERS * 5 / 7));
    await turn(store, "s", "trivia-bot", "Tell me everything", long);
    const [, answer] = await store.slotMessages("s", "trivia-bot");
    equal(answer.content.length, long.length);
    ok(answer.content === long, "the same text");
  });
});

Deno.test("an answer ended by someone else first is never written again by its late writer", async () => {
  await withStore(async (store) => {
    const { address } = await store.ask("s", chat("c"), { content: "q" }, { writer: "runner" });
    equal(await store.takeOver("s", "c", "runner", "what readers saw"), "written");
    equal(
      await store.finish(address, { content: "what readers saw, and much more", incomplete: false }),
      "fenced",
    );
    deepEqual(await shown(store, "s", "c"), ["u:q", "a:what readers saw…"]);
    equal(await store.takeOver("s", "c", "runner", "again"), "fenced", "and only once");
  });
});

Deno.test("Continue goes on with the answer chosen when it was asked, whatever is asked meanwhile", async () => {
  await withStore(async (store) => {
    const { address } = await store.ask("s", chat("c"), { content: "Tell a story" }, { writer: "a" });
    await store.finish(address, { content: "Once upon", incomplete: true });
    const reopened = await store.reopen("s", "c", { writer: "b" });
    ok(reopened);
    deepEqual(reopened.context.map((m) => m.content), ["Tell a story", "Once upon"]);
    // A new question comes in while the continuation is being written.
    const next = await store.ask("s", chat("c"), { content: "And then?" }, { writer: "c" });
    equal(await store.finish(reopened.address, { content: " a time.", incomplete: false }), "written");
    await store.finish(next.address, { content: "The end.", incomplete: false });
    deepEqual(await shown(store, "s", "c"), [
      "u:Tell a story",
      "a:Once upon a time.",
      "u:And then?",
      "a:The end.",
    ]);
  });
});

Deno.test("Regenerate keeps the earlier answer as a version; a retry replaces an unfinished one", async () => {
  await withStore(async (store, kv) => {
    await turn(store, "s", "c", "q", "first");
    const again = await store.ask("s", chat("c"), { content: "q" }, { writer: "r", regenerating: true });
    deepEqual(again.context, [], "the model does not get the answer it replaces");
    await store.finish(again.address, { content: "second", incomplete: false });
    deepEqual(await shown(store, "s", "c"), ["u:q", "a:second"]);
    const [{ value: record }] = await Array.fromAsync(kv.list<{ versions: unknown[]; shown: number }>({
      prefix: ["turn", "s"],
    }));
    equal(record.versions.length, 2);
    equal(record.shown, 1);

    const failed = await store.ask("s", chat("c"), { content: "next" }, { writer: "f" });
    await store.finish(failed.address, { content: "", incomplete: true, error: "upstream" });
    const retry = await store.ask("s", chat("c"), { content: "next" }, { writer: "g" });
    await store.finish(retry.address, { content: "fine now", incomplete: false });
    deepEqual(await shown(store, "s", "c"), ["u:q", "a:second", "u:next", "a:fine now"]);
  });
});

Deno.test("a conversation keeps its last TURN_LIMIT turns, text and all", async () => {
  await withStore(async (store, kv) => {
    // Answers too long to keep inline in their turn's record: each has a chunk of its own.
    const long = (i: number) => `a${i}`.padEnd(13_000, ".");
    for (let i = 0; i < TURN_LIMIT + 5; i++) await turn(store, "s", "trivia-bot", `q${i}`, long(i));
    const kept = await store.slotMessages("s", "trivia-bot");
    equal(kept.length, TURN_LIMIT * 2);
    equal(kept[0].content, "q5");
    equal(kept.at(-1)!.content, long(TURN_LIMIT + 4));
    equal((await Array.fromAsync(kv.list({ prefix: ["turn", "s"] }))).length, TURN_LIMIT);
    equal((await Array.fromAsync(kv.list({ prefix: ["text", "s"] }))).length, TURN_LIMIT);
  });
});

Deno.test("clearing a feature deletes every entry of its conversations and nothing else", async () => {
  await withStore(async (store, kv) => {
    const count = async () => (await Array.fromAsync(kv.list({ prefix: [] }))).length;
    await turn(store, "s", "trivia-bot", "c", "kept");
    const before = await count();
    await turn(store, "s", "character-chat/dracula", "a", "x".repeat(CHUNK_CHARACTERS * 2));
    await turn(store, "s", "character-chat/witch", "b", "y");
    await store.clearFeature("s", "character-chat");
    equal(await count(), before, "nothing of the chats is left in KV");
    deepEqual(await shown(store, "s", "character-chat/dracula"), []);
    deepEqual(await shown(store, "s", "trivia-bot"), ["u:c", "a:kept"]);
    await turn(store, "s", "character-chat/dracula", "again", "hello");
    deepEqual(await shown(store, "s", "character-chat/dracula"), ["u:again", "a:hello"]);
  });
});
