import { deepEqual, equal } from "node:assert/strict";
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
  const live = book.bubbles("character-chat/dracula");
  deepEqual(live.map((b) => [b.role, b.live ?? false]), [["user", false], ["assistant", true]]);
  equal(await asking, "done");
  equal(book.bubbles("character-chat/dracula")[1].content, "Good evening", "the same message, grown");
  equal(book.bubbles("character-chat/dracula")[1].incomplete, false);
  await book.ask("character-chat/dracula", "Again?", { character: "dracula", message: "Again?" });
  const settled = book.bubbles("character-chat/dracula");
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
  equal(book.bubbles("trivia-bot")[1].incomplete, true, "the live message says so at once");
  book.settle();
  deepEqual(book.bubbles("trivia-bot").map((b) => [b.content, b.incomplete ?? false]), [
    ["Tell me", false],
    ["Half", true],
  ]);
});

Deno.test("asking right after a clear settles its Undo first: the server forgets, then hears the question", async () => {
  const calls: string[] = [];
  let finishDelete!: () => void;
  const transport = httpTransport((input, init) => {
    const call = `${init?.method ?? "GET"} ${input}`;
    calls.push(call);
    if (init?.method === "DELETE") {
      return new Promise((resolve) => (finishDelete = () => resolve(Response.json({}))));
    }
    calls.push(`(answered ${input})`);
    return Promise.resolve(
      new Response(frames("Fresh"), { headers: { "content-type": "text/event-stream" } }),
    );
  });
  const controller = new StreamController({
    streaming: true,
    updateIntervalMs: 0,
    transport,
    clock: immediate,
  });
  const book = new ConversationBook("character-chat", controller, transport, {
    "character-chat/witch": [{ role: "user", content: "Old" }, { role: "assistant", content: "Gone" }],
  });
  book.clearConversation("character-chat/witch", 60_000);
  const asking = book.ask("character-chat/witch", "New", { character: "witch", message: "New" });
  equal(
    book.pendingUndo.value,
    null,
    "the Undo is settled: nothing can bring the old chat back over the new one",
  );
  await new Promise((resolve) => setTimeout(resolve, 10));
  deepEqual(calls, ["DELETE /api/history/character-chat/witch"], "the question waits for the clear");
  finishDelete();
  equal(await asking, "done");
  deepEqual(calls, [
    "DELETE /api/history/character-chat/witch",
    "POST /api/character-chat-stream",
    "(answered /api/character-chat-stream)",
  ]);
  deepEqual(book.bubbles("character-chat/witch").map((b) => b.content), ["New", "Fresh"]);
});
