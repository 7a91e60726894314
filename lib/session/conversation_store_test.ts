import { deepEqual, equal, notEqual, ok, rejects } from "node:assert/strict";
import {
  AnswerBeingWritten,
  CONVERSATION_LIMIT,
  ConversationStore,
  ConversationTaken,
  newWriterToken,
  NoSuchConversation,
  TEXT_LIMIT,
  TURN_LIMIT,
} from "./conversation_store.ts";
import { CHUNK_CHARACTERS } from "./answer_text.ts";

async function withStore(fn: (store: ConversationStore, kv: Deno.Kv) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(new ConversationStore(kv), kv);
  } finally {
    kv.close();
  }
}

const chat = (shelf: string) => ({ shelf, feature: shelf.split("/")[0] });

/** Asks and answers one turn. */
async function turn(
  store: ConversationStore,
  session: string,
  shelf: string,
  question: string,
  answer: string,
) {
  const { address } = await store.ask(session, chat(shelf), { content: question }, {
    writer: newWriterToken(),
  });
  equal(await store.finish(address, { content: answer, incomplete: false }), "written");
  return address;
}

const shown = async (store: ConversationStore, session: string, shelf: string) =>
  (await store.shelfMessages(session, shelf)).map((m) =>
    `${m.role[0]}:${m.content}${m.incomplete ? "…" : ""}`
  );

Deno.test("turns come back in order, per session and shelf, each answer with its question", async () => {
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
    const messages = await store.shelfMessages("s", "c");
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
    const [, answer] = await store.shelfMessages("s", "trivia-bot");
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
    const reopened = await store.reopen("s", { shelf: "c" }, { writer: "b" });
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
    const kept = await store.shelfMessages("s", "trivia-bot");
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

const entries = async (kv: Deno.Kv, session: string) => {
  let n = 0;
  for await (const entry of kv.list({ prefix: [] })) if (entry.key.includes(session)) n++;
  return n;
};

Deno.test("a shelf holds many conversations: a fresh request starts one, a named id goes to its own", async () => {
  await withStore(async (store) => {
    const story = { shelf: "story-generator", feature: "story-generator", fresh: true };
    const first = await store.ask("s", { ...story, title: "Mina · attic" }, { content: "story 1" }, {
      writer: "a",
    });
    await store.finish(first.address, { content: "Once", incomplete: false });
    const second = await store.ask("s", { ...story, title: "Jon · fog" }, { content: "story 2" }, {
      writer: "b",
    });
    await store.finish(second.address, { content: "Twice", incomplete: false });
    notEqual(
      first.address.conversationId,
      second.address.conversationId,
      "the second story did not replace the first",
    );
    deepEqual((await store.list("s", { shelf: "story-generator" })).map((c) => c.title), [
      "Jon · fog",
      "Mina · attic",
    ]);
    deepEqual(second.context, [], "a fresh request gets no earlier conversation");

    // A chat named by a new id starts there; the same id again goes on with it; another id is another chat.
    const chatA = crypto.randomUUID();
    const chatB = crypto.randomUUID();
    const dest = (conversationId: string) => ({
      shelf: "character-chat/witch",
      feature: "character-chat",
      conversationId,
    });
    await turn(store, "s", "character-chat/witch", "pre", "existing"); // the shelf's last used, without an id
    for (const [id, q] of [[chatA, "a1"], [chatB, "b1"], [chatA, "a2"]]) {
      const asked = await store.ask("s", dest(id), { content: q }, { writer: q });
      await store.finish(asked.address, { content: `re ${q}`, incomplete: false });
      equal(asked.address.conversationId, id);
      if (q === "a2") deepEqual(asked.context.map((m) => m.content), ["a1", "re a1"]);
    }
    equal((await store.list("s", { shelf: "character-chat/witch" })).length, 3);
    deepEqual(
      await shown(store, "s", "character-chat/witch"),
      ["u:a1", "a:re a1", "u:a2", "a:re a2"],
      "the last used",
    );
    await rejects(
      () => store.read("s", { shelf: "character-chat/ghost", conversationId: chatA }),
      NoSuchConversation,
      "another shelf's conversation is not found there",
    );
    await rejects(
      () =>
        store.ask("s", { ...story, conversationId: first.address.conversationId }, { content: "story 3" }, {
          writer: "c",
        }),
      ConversationTaken,
    );
  });
});

Deno.test("an edit branches: the model gets the branch shown, the old branch stays, and both can be shown", async () => {
  await withStore(async (store) => {
    const id = crypto.randomUUID();
    const dest = { shelf: "trivia-bot", feature: "trivia-bot", conversationId: id };
    const ask = async (q: string, a: string, options: { edit?: string; regenerating?: boolean } = {}) => {
      const asked = await store.ask("s", dest, { content: q }, { writer: crypto.randomUUID(), ...options });
      await store.finish(asked.address, { content: a, incomplete: false });
      return asked;
    };
    await ask("q1", "a1");
    const second = await ask("q2", "a2");
    await ask("q3", "a3");
    const edited = await ask("q2 edited", "a2'", { edit: second.address.turnId });
    deepEqual(
      edited.context.map((m) => m.content),
      ["q1", "a1"],
      "nothing of the old branch goes to the model",
    );
    const view = async () =>
      (await store.window("s", id, { turns: 20 })).messages.map((m) =>
        `${m.content}${m.branch ? ` ${m.branch.index}/${m.branch.count}` : ""}${
          m.version ? ` v${m.version.index}/${m.version.count}` : ""
        }`
      );
    deepEqual(await view(), ["q1", "a1", "q2 edited 2/2", "a2'"]);
    const next = await ask("q4", "a4");
    deepEqual(next.context.map((m) => m.content), ["q1", "a1", "q2 edited", "a2'"]);
    await store.show("s", id, edited.address.turnId, { branch: 1 });
    deepEqual(await view(), ["q1", "a1", "q2 1/2", "a2", "q3", "a3"], "the old branch, whole");
    await store.show("s", id, second.address.turnId, { branch: 2 });
    deepEqual(await view(), ["q1", "a1", "q2 edited 2/2", "a2'", "q4", "a4"]);

    await ask("q4", "a4 again", { regenerating: true });
    deepEqual((await view()).slice(-1), ["a4 again v2/2"]);
    await store.show("s", id, next.address.turnId, { version: 1 });
    deepEqual((await view()).slice(-1), ["a4 v1/2"]);
    const versions = await store.versions("s", id, next.address.turnId);
    deepEqual(versions?.versions.map((v) => v.content), ["a4", "a4 again"]);
    await rejects(() => store.show("s", id, next.address.turnId, { version: 3 }), NoSuchConversation);
  });
});

Deno.test("switching branches waits for an answer being written there", async () => {
  await withStore(async (store) => {
    const id = crypto.randomUUID();
    const dest = { shelf: "trivia-bot", feature: "trivia-bot", conversationId: id };
    const first = await store.ask("s", dest, { content: "q1" }, { writer: "w1" });
    await store.finish(first.address, { content: "a1", incomplete: false });
    await store.ask("s", dest, { content: "q1b" }, { writer: "w2", edit: first.address.turnId });
    await rejects(() => store.show("s", id, first.address.turnId, { branch: 1 }), AnswerBeingWritten);
  });
});

Deno.test("a session keeps CONVERSATION_LIMIT conversations: the least recently used goes, with a notice", async () => {
  let clock = 1_000;
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new ConversationStore(kv, () => clock++);
    const ids: string[] = [];
    for (let i = 0; i <= CONVERSATION_LIMIT; i++) {
      const asked = await store.ask("s", {
        shelf: "spell-generator",
        feature: "spell-generator",
        fresh: true,
        title: `spell ${i}`,
      }, {
        content: `q${i}`,
      }, { writer: `w${i}` });
      await store.finish(asked.address, { content: `a${i}`, incomplete: false });
      ids.push(asked.address.conversationId);
    }
    const listed = await store.list("s");
    equal(listed.length, CONVERSATION_LIMIT);
    ok(!listed.some((c) => c.id === ids[0]), "the first is gone");
    equal(await store.window("s", ids[0], { turns: 5 }).then((w) => w.conversation), undefined);
    deepEqual((await store.removed("s")).map((n) => [n.title, n.reason]), [["spell 0", "conversations"]]);
    equal(await Array.fromAsync(kv.list({ prefix: ["turn", "s", ids[0]] })).then((l) => l.length), 0);
  } finally {
    kv.close();
  }
});

Deno.test("a session keeps TEXT_LIMIT bytes of text: past it the oldest conversations go, never the one written", async () => {
  await withStore(async (store) => {
    const big = "夜".repeat(Math.ceil(TEXT_LIMIT / 3 / 3) + 10); // a third of the bound, in UTF-8
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const asked = await store.ask("s", {
        shelf: "story-generator",
        feature: "story-generator",
        fresh: true,
        title: `t${i}`,
      }, {
        content: `q${i}`,
      }, { writer: `w${i}` });
      await store.finish(asked.address, { content: big, incomplete: false });
      ids.push(asked.address.conversationId);
    }
    const left = (await store.list("s")).map((c) => c.title).sort();
    deepEqual(left, ["t2", "t3"], "the two oldest went to make room");
    deepEqual((await store.removed("s")).map((n) => n.reason), ["bytes", "bytes"]);
  });
});

Deno.test("rename, delete and a lapsed session: deleting removes every entry from KV", async () => {
  await withStore(async (store, kv) => {
    await turn(store, "other", "trivia-bot", "keep", "me");
    const others = await entries(kv, "other");
    const id = crypto.randomUUID();
    const dest = { shelf: "character-chat/ghost", feature: "character-chat", conversationId: id };
    const asked = await store.ask("s", dest, { content: "Boo" }, { writer: "w" });
    await store.finish(asked.address, { content: "x".repeat(CHUNK_CHARACTERS * 2), incomplete: false });
    equal((await store.rename("s", id, "  Ghostly   chat ")).title, "Ghostly chat");
    await rejects(
      () => store.rename("other", id, "mine"),
      NoSuchConversation,
      "another session's is missing",
    );
    ok(await entries(kv, "s") > 3);
    equal(await store.remove("other", id), false);
    equal(await store.remove("s", id), true);
    equal(await entries(kv, "s"), 0, "nothing of it is left");
    await turn(store, "s", "trivia-bot", "again", "yes");
    await store.removeSession("s");
    equal(await entries(kv, "s"), 0);
    equal(await entries(kv, "other"), others, "another session's untouched");
  });
});
