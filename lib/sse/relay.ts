import type { AnswerStats } from "../metrics.ts";
import type { SseMessage } from "./encoder.ts";
import { contentEvent, doneEvent, errorEvent, type StreamEvent } from "./events.ts";

export type DescribeError = (error: unknown) => { message: string; code?: string };

/** An event of an answer with its number in that answer's stream. */
export interface NumberedEvent {
  id: number;
  event: StreamEvent;
}

export const toSseMessage = ({ id, event }: NumberedEvent): SseMessage => ({
  id,
  data: JSON.stringify(event),
});

/**
 * Turns text deltas into numbered contract events: one `content` event per delta, then `done`;
 * on failure an `error` event, then `done`. Pull-based: the source is read only as fast as the
 * events are taken, and cancelling the result cancels the source.
 */
export function deltasToEvents(
  deltas: ReadableStream<string>,
  { firstId = 1, describeError, stats }: {
    firstId?: number;
    describeError: DescribeError;
    /** The answer's stats, read when `done` is sent. */
    stats?: () => AnswerStats | undefined;
  },
): ReadableStream<NumberedEvent> {
  const reader = deltas.getReader();
  let nextId = firstId;
  const numbered = (event: StreamEvent): NumberedEvent => ({ id: nextId++, event });
  return new ReadableStream<NumberedEvent>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (!done) return controller.enqueue(numbered(contentEvent(value)));
      } catch (error) {
        const { message, code } = describeError(error);
        controller.enqueue(numbered(errorEvent(message, code)));
      }
      controller.enqueue(numbered(doneEvent(stats?.())));
      controller.close();
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

const IDLE = Symbol("idle");

/** Passes SSE messages through, adding a `: keep-alive` comment after `ms` of silence. */
export function withKeepAlive(messages: ReadableStream<SseMessage>, ms: number): ReadableStream<SseMessage> {
  const reader = messages.getReader();
  let pending: Promise<ReadableStreamReadResult<SseMessage>> | undefined;
  return new ReadableStream<SseMessage>({
    async pull(controller) {
      pending ??= reader.read();
      const result = await withinIdle(pending, ms);
      if (result === IDLE) return controller.enqueue({ comment: "keep-alive" });
      pending = undefined;
      if (result.done) controller.close();
      else controller.enqueue(result.value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

/** The relay for an answer nobody will resume: deltas → numbered events → SSE messages. */
export function relayDeltas(
  deltas: ReadableStream<string>,
  options: {
    keepAliveMs: number;
    firstId?: number;
    describeError: DescribeError;
    stats?: () => AnswerStats | undefined;
  },
): ReadableStream<SseMessage> {
  const messages = deltasToEvents(deltas, options).pipeThrough(
    new TransformStream<NumberedEvent, SseMessage>({
      transform: (event, c) => c.enqueue(toSseMessage(event)),
    }),
  );
  return withKeepAlive(messages, options.keepAliveMs);
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
