import { deepEqual, equal } from "node:assert/strict";
import { relayDeltas } from "./relay.ts";
import type { Delta } from "../llm/types.ts";
/** An answer delta (not thinking). */
const content = (text: string): Delta => ({ kind: "content", text });

const describeError = (error: unknown) => ({ message: `failed: ${(error as Error).message}`, code: "test" });

async function wireText(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const bytes of stream) text += decoder.decode(bytes, { stream: true });
  return text;
}

Deno.test("deltas become numbered content events, then done", async () => {
  const text = await wireText(
    relayDeltas(ReadableStream.from([content("Good "), content("evening")]), {
      keepAliveMs: 1000,
      describeError,
    }),
  );
  equal(
    text,
    'id: 1\ndata: {"chunk":"Good ","type":"content"}\n\n' +
      'id: 2\ndata: {"chunk":"evening","type":"content"}\n\n' +
      'id: 3\ndata: {"chunk":"","type":"done"}\n\n',
  );
});

Deno.test("a failing source ends with an error event and then done, after the text before it", async () => {
  let pulls = 0;
  const source = new ReadableStream<Delta>({
    pull(controller) {
      if (pulls++ === 0) controller.enqueue(content("partial "));
      else controller.error(new Error("boom"));
    },
  }, { highWaterMark: 0 });
  const text = await wireText(relayDeltas(source, { keepAliveMs: 1000, describeError, firstId: 10 }));
  equal(
    text,
    'id: 10\ndata: {"chunk":"partial ","type":"content"}\n\n' +
      'id: 11\ndata: {"error":"failed: boom","type":"error","code":"test"}\n\n' +
      'id: 12\ndata: {"chunk":"","type":"done"}\n\n',
  );
});

Deno.test("the done event carries the answer's stats when there are some", async () => {
  const stats = { first_chunk_ms: 12, tokens: 3, tokens_per_second: 40, estimated: false };
  const text = await wireText(
    relayDeltas(ReadableStream.from([content("x")]), {
      keepAliveMs: 1000,
      describeError,
      stats: () => stats,
    }),
  );
  deepEqual(JSON.parse(text.split("\n\n")[1].split("data: ")[1]), { chunk: "", type: "done", stats });
});

Deno.test("a quiet source gets keep-alive comments without losing its text", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const source = new ReadableStream<Delta>({
    async pull(controller) {
      await gate;
      controller.enqueue(content("late"));
      controller.close();
    },
  });
  const reader = relayDeltas(source, { keepAliveMs: 20, describeError }).getReader();
  const decoder = new TextDecoder();
  const next = async () => decoder.decode((await reader.read()).value);
  equal(await next(), ": keep-alive\n\n");
  equal(await next(), ": keep-alive\n\n");
  release();
  equal(await next(), 'id: 1\ndata: {"chunk":"late","type":"content"}\n\n');
  equal(await next(), 'id: 2\ndata: {"chunk":"","type":"done"}\n\n');
  equal((await reader.read()).done, true);
});

Deno.test("cancelling the relay cancels the source", async () => {
  let cancelled: unknown;
  const source = new ReadableStream<Delta>({
    pull: (controller) => controller.enqueue(content("x")),
    cancel: (reason) => void (cancelled = reason),
  }, { highWaterMark: 0 });
  const reader = relayDeltas(source, { keepAliveMs: 1000, describeError }).getReader();
  await reader.read();
  await reader.cancel("client gone");
  equal(cancelled, "client gone");
});
