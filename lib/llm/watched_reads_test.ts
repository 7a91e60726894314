import { ok } from "node:assert/strict";
import { watchedReads } from "./openai_client.ts";

/** Bytes held by ArrayBuffers (the network chunks), after a full collection where gc is exposed. */
function arrayBufferBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run the tests with --v8-flags=--expose-gc (deno task test does)");
  gc();
  return Deno.memoryUsage().external;
}

Deno.test("memory while reading a long answer stays near one chunk, not the whole answer", async () => {
  const CHUNK = 64 * 1024;
  const READS = 1500; // ~94 MiB in all
  let sent = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ === READS) return controller.close();
      controller.enqueue(new Uint8Array(CHUNK));
    },
  }, { highWaterMark: 0 });
  const reads = watchedReads(source.getReader(), 60_000, new AbortController().signal);
  const before = arrayBufferBytes();
  let peak = 0;
  for (let i = 0;; i++) {
    const { done } = await reads.read();
    if (done) break;
    if (i % 100 === 99) peak = Math.max(peak, arrayBufferBytes() - before);
  }
  await reads.cancel();
  // Every read kept alive until the answer ends would be ~94 MiB; a bounded reader holds a few chunks.
  ok(
    peak < 24 * 1024 * 1024,
    `ArrayBuffer memory grew by ${(peak / 1048576).toFixed(1)} MiB during the read`,
  );
});
