import { deepEqual } from "node:assert/strict";
import type { SseMessage } from "./encoder.ts";
import { relayDeltas } from "./relay.ts";

const describeError = (error: unknown) => ({ message: `failed: ${(error as Error).message}`, code: "test" });

async function collect(stream: ReadableStream<SseMessage>): Promise<SseMessage[]> {
  return await Array.fromAsync(stream);
}

Deno.test("deltas become numbered content events, then done", async () => {
  const messages = await collect(relayDeltas(ReadableStream.from(["Good ", "evening"]), {
    keepAliveMs: 1000,
    describeError,
  }));
  deepEqual(messages, [
    { id: 1, data: '{"chunk":"Good ","type":"content"}' },
    { id: 2, data: '{"chunk":"evening","type":"content"}' },
    { id: 3, data: '{"chunk":"","type":"done"}' },
  ]);
});

Deno.test("a failing source ends with an error event and then done", async () => {
  let pulls = 0;
  const source = new ReadableStream<string>({
    pull(controller) {
      if (pulls++ === 0) controller.enqueue("partial ");
      else controller.error(new Error("boom"));
    },
  }, { highWaterMark: 0 });
  const messages = await collect(relayDeltas(source, { keepAliveMs: 1000, describeError, firstId: 10 }));
  deepEqual(messages, [
    { id: 10, data: '{"chunk":"partial ","type":"content"}' },
    { id: 11, data: '{"error":"failed: boom","type":"error","code":"test"}' },
    { id: 12, data: '{"chunk":"","type":"done"}' },
  ]);
});

Deno.test("a quiet source gets keep-alive comments without losing its text", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const source = new ReadableStream<string>({
    async pull(controller) {
      await gate;
      controller.enqueue("late");
      controller.close();
    },
  });
  const reader = relayDeltas(source, { keepAliveMs: 20, describeError }).getReader();
  deepEqual((await reader.read()).value, { comment: "keep-alive" });
  deepEqual((await reader.read()).value, { comment: "keep-alive" });
  release();
  deepEqual((await reader.read()).value, { id: 1, data: '{"chunk":"late","type":"content"}' });
  deepEqual((await reader.read()).value, { id: 2, data: '{"chunk":"","type":"done"}' });
  deepEqual((await reader.read()).done, true);
});

Deno.test("cancelling the relay cancels the source", async () => {
  let cancelled: unknown;
  const source = new ReadableStream<string>({
    pull: (controller) => controller.enqueue("x"),
    cancel: (reason) => void (cancelled = reason),
  }, { highWaterMark: 0 });
  const reader = relayDeltas(source, { keepAliveMs: 1000, describeError }).getReader();
  await reader.read();
  await reader.cancel("client gone");
  deepEqual(cancelled, "client gone");
});
