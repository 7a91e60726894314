import { deepEqual, equal, notEqual, ok } from "node:assert/strict";
import { ConversationBook } from "./conversation.ts";
import { StreamController } from "./stream_controller.ts";
import { httpTransport, type Transport } from "./transport.ts";

const immediate = {
  now: () => performance.now(),
  setTimeout: (run: () => void) => run(),
  frame: (run: () => void) => run(),
};

/** The page's transport over a fetch whose streamed answers are given as SSE text, one per question. */
function scriptedTransport(answers: string[]): Transport {
  return httpTransport((input) => {
    const path = String(input);
    if (path.endsWith("-stream")) {
      return Promise.resolve(
        new Response(answers.shift() ?? "", { headers: { "content-type": "text/event-stream" } }),
      );
    }
    if (path.startsWith("/api/streams/")) return Promise.resolve(new Response(null, { status: 204 }));
    return Promise.reject(new Error(`not used: ${path}`));
  });
}

const frames = (...chunks: string[]) =>
  chunks.map((chunk, i) => `id: ${i + 1}\ndata: ${JSON.stringify({ chunk, type: "content" })}\n\n`).join("") +
  `id: ${chunks.length + 1}\ndata: {"chunk":"","type":"done"}\n\n`;

Deno.test("the streaming answer is a message of its conversation, updated in place, then settled", async () => {
  const transport = scriptedTransport([frames("Good ", "evening"), frames("Again")]);
  const controller = new StreamController({
    streaming: true,
    updateIntervalMs: 0,
    transport,
    clock: immediate,
  });
  const book = new ConversationBook("character-chat", controller, transport);
  const asking = book.ask("character-chat/dracula", "Hello", { character: "dracula", message: "Hello" });
  const live = book.bubblesIn("character-chat/dracula");
  deepEqual(live.map((b) => [b.role, b.live ?? false]), [["user", false], ["assistant", true]]);
  equal(await asking, "done");
  equal(book.bubblesIn("character-chat/dracula")[1].content, "Good evening", "the same message, grown");
  equal(book.bubblesIn("character-chat/dracula")[1].incomplete, false);
  await book.ask("character-chat/dracula", "Again?", { character: "dracula", message: "Again?" });
  const settled = book.bubblesIn("character-chat/dracula");
  deepEqual(settled.map((b) => [b.role, b.content, b.live ?? false]), [
    ["user", "Hello", false],
    ["assistant", "Good evening", false],
    ["user", "Again?", false],
    ["assistant", "Again", true],
  ]);
});

Deno.test("a stopped answer is marked incomplete at once, and settles so", async () => {
  // Like fetch, the body fails once the request's signal is aborted.
  const transport = httpTransport((input, init) =>
    Promise.resolve(
      !String(input).endsWith("-stream") ? new Response(null, { status: 204 }) : new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(
              new TextEncoder().encode(`id: 1\ndata: {"chunk":"Half","type":"content"}\n\n`),
            );
            init!.signal!.addEventListener("abort", () => controller.error(init!.signal!.reason));
          },
        }),
      ),
    )
  );
  const controller = new StreamController({
    streaming: true,
    updateIntervalMs: 0,
    transport,
    clock: immediate,
  });
  const book = new ConversationBook("trivia-bot", controller, transport);
  const asking = book.ask("trivia-bot", "Tell me", {});
  await new Promise((resolve) => setTimeout(resolve, 20));
  controller.stop();
  equal(await asking, "stopped");
  equal(book.bubblesIn("trivia-bot")[1].incomplete, true, "the live message says so at once");
  book.settle();
  deepEqual(book.bubblesIn("trivia-bot").map((b) => [b.content, b.incomplete ?? false]), [
    ["Tell me", false],
    ["Half", true],
  ]);
});

Deno.test("deleting a conversation shows a new one at once; Undo brings it back; the server hears only after the Undo window", async () => {
  const calls: string[] = [];
  const transport = httpTransport((input, init) => {
    calls.push(`${init?.method ?? "GET"} ${input}`);
    if (String(input).endsWith("-stream")) {
      return Promise.resolve(
        new Response(frames("Fresh"), { headers: { "content-type": "text/event-stream" } }),
      );
    }
    return Promise.resolve(Response.json({ conversations: [], removed: [] }));
  });
  const controller = new StreamController({
    streaming: true,
    updateIntervalMs: 0,
    transport,
    clock: immediate,
  });
  const old = "0b3c5a9e-1111-4222-8333-444455556666";
  const summary = {
    id: old,
    feature: "character-chat",
    shelf: "character-chat/witch",
    title: "Old",
    createdAt: 1,
    updatedAt: 1,
    turns: 1,
  };
  const book = new ConversationBook("character-chat", controller, transport, {
    history: { [old]: [{ role: "user", content: "Old" }, { role: "assistant", content: "Gone" }] },
    older: {},
    open: { "character-chat/witch": old },
    conversations: [summary],
    removed: [],
  });
  book.remove(old, 60_000);
  equal(book.listOf("character-chat/witch").length, 0, "gone from the list");
  deepEqual(book.bubblesIn("character-chat/witch"), [], "a new, empty chat is shown");
  book.pendingUndo.value!.undo();
  equal(book.idIn("character-chat/witch"), old, "Undo shows it again");
  deepEqual(book.bubblesIn("character-chat/witch").map((b) => b.content), ["Old", "Gone"]);
  equal(calls.length, 0, "nothing was deleted on the server");

  book.remove(old, 60_000);
  equal(await book.ask("character-chat/witch", "New", { character: "witch", message: "New" }), "done");
  const asked = calls.find((call) => call.startsWith("POST /api/character-chat-stream"));
  ok(asked, "the question went");
  notEqual(book.idIn("character-chat/witch"), old, "into a new conversation");
  deepEqual(book.bubblesIn("character-chat/witch").map((b) => b.content), ["New", "Fresh"]);
  await book.pendingUndo.value!.commit();
  ok(
    calls.includes(`DELETE /api/conversations/${old}`),
    "the delete reached the server once the Undo was over",
  );
});

Deno.test("an edit asks again from the edited question: its branch and the answer's turn are known", async () => {
  const bodies: Record<string, unknown>[] = [];
  const done = (turn: string) => `id: 2\ndata: {"chunk":"","type":"done","turn_id":"${turn}"}\n\n`;
  const answers = [
    `id: 1\ndata: {"chunk":"One","type":"content"}\n\n${done("aaaaaaaaaaaa0001")}`,
    `id: 1\ndata: {"chunk":"Two","type":"content"}\n\n${done("aaaaaaaaaaaa0002")}`,
    `id: 1\ndata: {"chunk":"Again","type":"content"}\n\n${done("aaaaaaaaaaaa0002")}`,
  ];
  const transport = httpTransport((input, init) => {
    if (String(input).endsWith("-stream")) {
      bodies.push(JSON.parse(String(init!.body)));
      return Promise.resolve(
        new Response(answers.shift(), { headers: { "content-type": "text/event-stream" } }),
      );
    }
    return Promise.resolve(Response.json({ conversations: [], removed: [] }));
  });
  const controller = new StreamController({
    streaming: true,
    updateIntervalMs: 0,
    transport,
    clock: immediate,
  });
  const book = new ConversationBook("trivia-bot", controller, transport);
  await book.ask("trivia-bot", "First", { question: "First" });
  book.settle();
  deepEqual(book.bubblesIn("trivia-bot").map((b) => b.turnId), ["aaaaaaaaaaaa0001", "aaaaaaaaaaaa0001"]);
  await book.ask("trivia-bot", "Changed", { question: "Changed" }, { edit: "aaaaaaaaaaaa0001" });
  const { request_id: _id, ...edited } = bodies[1];
  deepEqual(edited, {
    question: "Changed",
    conversation_id: bodies[0].conversation_id,
    edit: true,
    turn_id: "aaaaaaaaaaaa0001",
  });
  deepEqual(book.bubblesIn("trivia-bot").map((b) => [b.content, b.branch?.index, b.branch?.count]), [
    ["Changed", 2, 2],
    ["Two", undefined, undefined],
  ]);
  book.settle();
  await book.ask("trivia-bot", "Changed", { question: "Changed" }, { regenerate: true });
  book.settle();
  deepEqual(book.bubblesIn("trivia-bot").map((b) => [b.content, b.version?.index, b.version?.count]), [
    ["Changed", undefined, undefined],
    ["Again", 2, 2],
  ]);
  equal(bodies[2].regenerate, true);
});
