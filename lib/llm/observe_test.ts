import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { type DeltaReader, observeDeltas, type StreamReport } from "./observe.ts";
import type { Delta } from "./types.ts";

/** An answer delta (not thinking). */
const content = (text: string): Delta => ({ kind: "content", text });
const thought = (text: string): Delta => ({ kind: "reasoning", text });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every delta the reader passes on, with when it came (ms from the start). */
async function drain(reader: DeltaReader): Promise<Array<Delta & { at: number }>> {
  const started = performance.now();
  const out: Array<Delta & { at: number }> = [];
  while (true) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push({ ...value, at: performance.now() - started });
  }
}

/** A source that sends `deltas`, each `gaps[i]` ms after the one before. */
function paced(deltas: Delta[], gaps: number[]): ReadableStream<Delta> {
  let i = 0;
  return new ReadableStream<Delta>({
    async pull(controller) {
      if (i >= deltas.length) return controller.close();
      await sleep(gaps[i] ?? 0);
      controller.enqueue(deltas[i++]);
    },
  }, { highWaterMark: 0 });
}

Deno.test("the stream ends only after onEnd has finished (the answer is stored before done)", async () => {
  const order: string[] = [];
  const observed = observeDeltas(ReadableStream.from([content("a"), content("b")]), async (report) => {
    await new Promise((r) => setTimeout(r, 30));
    order.push(`stored ${report.text}`);
  });
  while (!(await observed.read()).done) order.push("chunk");
  order.push("closed");
  deepEqual(order, ["chunk", "chunk", "stored ab", "closed"]);
});

Deno.test("a failure and a cancel are reported once, with the text so far and the cancel reason", async () => {
  const reports: StreamReport[] = [];
  let pulls = 0;
  const failing = new ReadableStream<Delta>({
    pull: (c) => (pulls++ ? c.error(new Error("boom")) : c.enqueue(content("part"))),
  }, { highWaterMark: 0 });
  await drain(observeDeltas(failing, (r) => void reports.push(r))).catch(() => {});
  equal(reports[0].outcome, "error");
  equal(reports[0].text, "part");
  const endless = new ReadableStream<Delta>({ pull: (c) => c.enqueue(content("x")) }, { highWaterMark: 0 });
  const reader = observeDeltas(endless, (r) => void reports.push(r));
  await reader.read();
  await reader.cancel("stopped");
  equal(reports.length, 2);
  equal(reports[1].outcome, "cancelled");
  equal(reports[1].cancelReason, "stopped");
  ok(reports[1].firstChunkMs !== undefined);
});

Deno.test("with a flush interval the first delta goes at once and later ones go together, text exact", async () => {
  const words = Array.from({ length: 30 }, (_, i) => content(`w${i} `));
  const out = await drain(observeDeltas(paced(words, words.map(() => 5)), () => {}, { flushMs: 40 }));
  equal(out.map((d) => d.text).join(""), words.map((d) => d.text).join(""), "every word, in order");
  equal(out[0].text, "w0 ", "the first delta is never held back");
  ok(out[0].at < 30, `the first delta came after ${out[0].at.toFixed(0)} ms`);
  ok(out.length <= 8, `30 deltas 5 ms apart go out as ${out.length} (at most one per 40 ms)`);
  ok(out.length >= 3, `${out.length}: held deltas still go out while the answer runs`);
});

Deno.test("held text goes out by itself when the model falls quiet, and kinds are never joined", async () => {
  const source = paced([thought("hmm "), thought("so "), content("Yes"), content("."), content("!")], [
    0,
    5,
    5,
    5,
    300,
  ]);
  const out = await drain(observeDeltas(source, () => {}, { flushMs: 40 }));
  deepEqual(out.map(({ kind, text }) => ({ kind, text })), [
    { kind: "reasoning", text: "hmm " },
    { kind: "reasoning", text: "so " },
    { kind: "content", text: "Yes." },
    { kind: "content", text: "!" },
  ]);
  const quiet = out[2];
  ok(
    quiet.at < 200,
    `text held before a quiet spell went out after ${quiet.at.toFixed(0)} ms, not at the next delta`,
  );
});

Deno.test("a failure after held text: the text goes on first, then the failure", async () => {
  let i = 0;
  const failing = new ReadableStream<Delta>({
    async pull(c) {
      await sleep(2);
      if (i++ < 4) c.enqueue(content(`p${i} `));
      else c.error(new Error("cut"));
    },
  }, { highWaterMark: 0 });
  const reports: StreamReport[] = [];
  const reader = observeDeltas(failing, (r) => void reports.push(r), { flushMs: 1000 });
  const seen: string[] = [];
  await rejects(async () => {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      seen.push(value.text);
    }
  }, /cut/);
  equal(seen.join(""), "p1 p2 p3 p4 ");
  equal(reports.length, 1);
  equal(reports[0].outcome, "error");
});

Deno.test("a delta already on its way when the answer is cancelled is not passed on: readers see no more than is stored", async () => {
  let source!: ReadableStreamDefaultController<Delta>;
  const stored: string[] = [];
  const observed = observeDeltas(
    new ReadableStream<Delta>({ start: (controller) => void (source = controller) }, { highWaterMark: 0 }),
    (report) => void stored.push(report.text),
    { flushMs: 0 },
  );
  source.enqueue(content("a"));
  equal((await observed.read()).value?.text, "a");
  const reading = observed.read();
  await sleep(5);
  // The model's next words arrive, and in the same moment a person presses Stop.
  source.enqueue(content("b"));
  const cancelling = observed.cancel("stopped");
  const after = await reading;
  await cancelling;
  deepEqual(stored, ["a"], "stored at the Stop");
  ok(after.done, `after the Stop the reader was given ${JSON.stringify(after.value)}`);
});
