/**
 * Memory is bounded by what an answer holds, not by the bytes read for it: ten long answers at
 * once, each read from the model in large network chunks, keep live memory (here including the
 * in-process model server's own buffers) well below what they read. Before, every chunk read
 * stayed alive until its answer ended: 267 MiB live for these 63 MiB; now about 30 MiB.
 */
import { equal, ok } from "node:assert/strict";
import { withApp } from "../support/app_server.ts";
import { readSse } from "../support/sse_client.ts";

function liveBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run the tests with --v8-flags=--expose-gc (deno task test does)");
  gc();
  const { heapUsed, external } = Deno.memoryUsage();
  return heapUsed + external;
}

Deno.test("ten long answers at once keep live memory well below the bytes read for them", async () => {
  // Each delta is small text padded with a large ignored field, so each network read is large.
  const padding = "x".repeat(32 * 1024);
  const DELTAS = 200;
  await withApp({}, async (app, upstream) => {
    upstream.use({
      chunks: Array.from({ length: DELTAS }, (_, i) => `w${i} `),
      delayMs: 2,
      rawBefore: Object.fromEntries(
        Array.from({ length: DELTAS }, (_, i) => [i, `: ${padding}\n\n`]),
      ),
    });
    const before = liveBytes();
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, liveBytes() - before)), 50);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => app.url).map(async (url) =>
        readSse(await fetch(`${url}/api/story-generator-stream?name=Mina&theme=fog`))
      ),
    );
    clearInterval(sampler);
    const read = 10 * DELTAS * padding.length;
    for (const result of results) equal(result.events.at(-1)?.payload.type, "done");
    ok(
      peak < read * 0.75,
      `live memory grew by ${(peak / 1048576).toFixed(1)} MiB while ${
        (read / 1048576).toFixed(0)
      } MiB were read`,
    );
  });
});
