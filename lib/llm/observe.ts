export type StreamOutcome = "done" | "error" | "cancelled";

export interface StreamReport {
  outcome: StreamOutcome;
  characters: number;
  /** Milliseconds from the start to the first text, when there was any. */
  firstChunkMs?: number;
  durationMs: number;
  error?: unknown;
}

/** Passes text deltas through unchanged and reports once how the stream ended. */
export function observeDeltas(
  source: ReadableStream<string>,
  onEnd: (report: StreamReport) => void,
): ReadableStream<string> {
  const reader = source.getReader();
  const started = performance.now();
  let characters = 0;
  let firstChunkMs: number | undefined;
  let reported = false;
  const report = (outcome: StreamOutcome, error?: unknown) => {
    if (reported) return;
    reported = true;
    onEnd({ outcome, characters, firstChunkMs, durationMs: performance.now() - started, error });
  };
  return new ReadableStream<string>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          report("done");
          controller.close();
          return;
        }
        firstChunkMs ??= performance.now() - started;
        characters += value.length;
        controller.enqueue(value);
      } catch (error) {
        report("error", error);
        controller.error(error);
      }
    },
    cancel(reason) {
      report("cancelled");
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
