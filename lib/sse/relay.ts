import type { SseMessage } from "./encoder.ts";
import { contentEvent, doneEvent, errorEvent, type StreamEvent } from "./events.ts";

export interface RelayOptions {
  /** Silence after which a `: keep-alive` comment is sent. */
  keepAliveMs: number;
  /** The id of the first event; later ones count up from it. */
  firstId?: number;
  /** Turns a failure of the source into a message that is safe to show. */
  describeError: (error: unknown) => { message: string; code?: string };
}

const IDLE = Symbol("idle");

/**
 * Relays text deltas as numbered contract events: one `content` event per delta, then `done`;
 * on failure an `error` event, then `done`. Reads the source only as fast as the client takes
 * events (backpressure), and cancelling the result cancels the source.
 */
export function relayDeltas(
  deltas: ReadableStream<string>,
  options: RelayOptions,
): ReadableStream<SseMessage> {
  const reader = deltas.getReader();
  let nextId = options.firstId ?? 1;
  let pending: Promise<ReadableStreamReadResult<string>> | undefined;
  const message = (event: StreamEvent): SseMessage => ({ id: nextId++, data: JSON.stringify(event) });

  return new ReadableStream<SseMessage>({
    async pull(controller) {
      pending ??= reader.read();
      let result: ReadableStreamReadResult<string> | typeof IDLE;
      try {
        result = await withinIdle(pending, options.keepAliveMs);
      } catch (error) {
        const { message: text, code } = options.describeError(error);
        controller.enqueue(message(errorEvent(text, code)));
        controller.enqueue(message(doneEvent()));
        controller.close();
        return;
      }
      if (result === IDLE) {
        controller.enqueue({ comment: "keep-alive" });
        return;
      }
      pending = undefined;
      if (result.done) {
        controller.enqueue(message(doneEvent()));
        controller.close();
        return;
      }
      controller.enqueue(message(contentEvent(result.value)));
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

async function withinIdle<T>(promise: Promise<T>, ms: number): Promise<T | typeof IDLE> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = new Promise<typeof IDLE>((resolve) => timer = setTimeout(() => resolve(IDLE), ms));
  try {
    return await Promise.race([promise, idle]);
  } finally {
    clearTimeout(timer);
  }
}
