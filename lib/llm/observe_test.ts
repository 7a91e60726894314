import { deepEqual, equal, ok } from "node:assert/strict";
import { observeDeltas, type StreamReport } from "./observe.ts";
import type { Delta } from "./types.ts";

/** An answer delta (not thinking). */
const content = (text: string): Delta => ({ kind: "content", text });

Deno.test("the stream ends only after onEnd has finished (the answer is stored before done)", async () => {
  const order: string[] = [];
  const observed = observeDeltas(ReadableStream.from([content("a"), content("b")]), async (report) => {
    await new Promise((r) => setTimeout(r, 30));
    order.push(`stored ${report.text}`);
  });
  for await (const _ of observed) order.push("chunk");
  order.push("closed");
  deepEqual(order, ["chunk", "chunk", "stored ab", "closed"]);
});

Deno.test("a failure and a cancel are reported once, with the text so far and the cancel reason", async () => {
  const reports: StreamReport[] = [];
  let pulls = 0;
  const failing = new ReadableStream<Delta>({
    pull: (c) => (pulls++ ? c.error(new Error("boom")) : c.enqueue(content("part"))),
  }, { highWaterMark: 0 });
  await Array.fromAsync(observeDeltas(failing, (r) => void reports.push(r))).catch(() => {});
  equal(reports[0].outcome, "error");
  equal(reports[0].text, "part");
  const endless = new ReadableStream<Delta>({ pull: (c) => c.enqueue(content("x")) }, { highWaterMark: 0 });
  const reader = observeDeltas(endless, (r) => void reports.push(r)).getReader();
  await reader.read();
  await reader.cancel("stopped");
  equal(reports.length, 2);
  equal(reports[1].outcome, "cancelled");
  equal(reports[1].cancelReason, "stopped");
  ok(reports[1].firstChunkMs !== undefined);
});
