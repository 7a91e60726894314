/**
 * The last step of every answer, fused into one stream stage: items become SSE text, the text
 * becomes bytes, and a `: keep-alive` comment goes out after a quiet spell. Each stage of web
 * streams costs promises and allocations per event, so the hot path has as few as it can.
 */

import { readerOf, type SourceReader } from "../shared/source_reader.ts";

const KEEP_ALIVE = new TextEncoder().encode(": keep-alive\n\n");

export interface ByteStreamSteps<T> {
  /** The SSE text of one item (may be "" to send nothing). */
  item(item: T): string;
  /** The SSE text after the last item. */
  end?(): string;
  /** The SSE text when the source fails; the stream then closes. */
  error?(error: unknown): string;
}

export function sseByteStream<T>(
  source: ReadableStream<T> | SourceReader<T>,
  keepAliveMs: number,
  steps: ByteStreamSteps<T>,
): ReadableStream<Uint8Array> {
  const reader = readerOf(source);
  const encoder = new TextEncoder();
  type Pulled = { done: false; value: T } | { done: true } | { failed: unknown };
  let pending: Promise<Pulled> | undefined;
  let lastSent = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wakeIdle: (() => void) | undefined;

  // One timer for the whole stream: when it fires early (something was sent since), it re-arms.
  const arm = (ms: number) => {
    timer = setTimeout(() => {
      timer = undefined;
      const quiet = Date.now() - lastSent;
      if (quiet >= keepAliveMs) wakeIdle?.();
      else arm(keepAliveMs - quiet);
    }, ms);
  };
  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      pending ??= reader.read().then(
        (result) => (result.done ? { done: true as const } : { done: false as const, value: result.value }),
        (failed) => ({ failed }),
      );
      if (timer === undefined) arm(keepAliveMs);
      const idle = new Promise<"idle">((resolve) => (wakeIdle = () => resolve("idle")));
      const outcome = await Promise.race([pending, idle]);
      wakeIdle = undefined;
      if (outcome === "idle") {
        lastSent = Date.now();
        controller.enqueue(KEEP_ALIVE);
        return;
      }
      pending = undefined;
      lastSent = Date.now();
      if ("failed" in outcome) {
        stop();
        const text = steps.error?.(outcome.failed) ?? "";
        if (text) controller.enqueue(encoder.encode(text));
        controller.close();
        return;
      }
      if (outcome.done) {
        stop();
        const text = steps.end?.() ?? "";
        if (text) controller.enqueue(encoder.encode(text));
        controller.close();
        return;
      }
      const text = steps.item(outcome.value);
      if (text) controller.enqueue(encoder.encode(text));
    },
    cancel(reason) {
      stop();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
