import type { Delta } from "./types.ts";

export type StreamOutcome = "done" | "error" | "cancelled";

export interface StreamReport {
  outcome: StreamOutcome;
  /** The answer's text that went through, whole or as far as it got. */
  text: string;
  /** The thinking before it (a reasoning model's), when there was any. */
  reasoning: string;
  characters: number;
  /** Milliseconds from the start to the first word of the answer, when there was any. */
  firstChunkMs?: number;
  /** Milliseconds from the start to the first word of thinking, when there was any. */
  firstThoughtMs?: number;
  durationMs: number;
  error?: unknown;
  /** Why the reader cancelled: "stopped" when a person pressed Stop. */
  cancelReason?: unknown;
}

/**
 * Passes deltas through unchanged and reports once how the stream ended, with its text and
 * thinking. The end of the stream waits for `onEnd`, so whatever it stores is stored before the
 * reader hears that the stream is over.
 */
export function observeDeltas(
  source: ReadableStream<Delta>,
  onEnd: (report: StreamReport) => void | Promise<void>,
): ReadableStream<Delta> {
  const reader = source.getReader();
  const started = performance.now();
  let text = "";
  let reasoning = "";
  let firstChunkMs: number | undefined;
  let firstThoughtMs: number | undefined;
  let reported = false;
  const report = async (outcome: StreamOutcome, error?: unknown, cancelReason?: unknown): Promise<void> => {
    if (reported) return;
    reported = true;
    await onEnd({
      outcome,
      text,
      reasoning,
      characters: text.length,
      firstChunkMs,
      firstThoughtMs,
      durationMs: performance.now() - started,
      error,
      cancelReason,
    });
  };
  return new ReadableStream<Delta>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          await report("done");
          controller.close();
          return;
        }
        if (value.kind === "content") {
          firstChunkMs ??= performance.now() - started;
          text += value.text;
        } else {
          firstThoughtMs ??= performance.now() - started;
          reasoning += value.text;
        }
        controller.enqueue(value);
      } catch (error) {
        await report("error", error);
        controller.error(error);
      }
    },
    async cancel(reason) {
      // Report first: cancelling the source settles a pending read as `done`.
      const reporting = report("cancelled", undefined, reason);
      await reader.cancel(reason);
      await reporting;
    },
  }, { highWaterMark: 0 });
}
