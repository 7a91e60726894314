export type StreamOutcome = "done" | "error" | "cancelled";

export interface StreamReport {
  outcome: StreamOutcome;
  /** The text that went through, whole or as far as it got. */
  text: string;
  characters: number;
  /** Milliseconds from the start to the first text, when there was any. */
  firstChunkMs?: number;
  durationMs: number;
  error?: unknown;
  /** Why the reader cancelled: "stopped" when a person pressed Stop. */
  cancelReason?: unknown;
}

/**
 * Passes text deltas through unchanged and reports once how the stream ended, with its text.
 * The end of the stream waits for `onEnd`, so whatever it stores is stored before the reader
 * hears that the stream is over.
 */
export function observeDeltas(
  source: ReadableStream<string>,
  onEnd: (report: StreamReport) => void | Promise<void>,
): ReadableStream<string> {
  const reader = source.getReader();
  const started = performance.now();
  let text = "";
  let firstChunkMs: number | undefined;
  let reported = false;
  const report = async (outcome: StreamOutcome, error?: unknown, cancelReason?: unknown): Promise<void> => {
    if (reported) return;
    reported = true;
    await onEnd({
      outcome,
      text,
      characters: text.length,
      firstChunkMs,
      durationMs: performance.now() - started,
      error,
      cancelReason,
    });
  };
  return new ReadableStream<string>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          await report("done");
          controller.close();
          return;
        }
        firstChunkMs ??= performance.now() - started;
        text += value;
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
