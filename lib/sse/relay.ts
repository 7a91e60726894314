import type { SourceReader } from "../shared/source_reader.ts";
import { sseByteStream } from "./byte_stream.ts";
import { encodeSseMessage } from "./encoder.ts";
import type { Delta } from "../llm/types.ts";
import {
  type AnswerEnd,
  type AnswerStats,
  contentEvent,
  doneEvent,
  errorEvent,
  reasoningEvent,
  type StreamEvent,
} from "../shared/contract.ts";

export type DescribeError = (error: unknown) => { message: string; code?: string; serverMessage?: string };

/** An event of an answer with its number in that answer's stream. */
export interface NumberedEvent {
  id: number;
  event: StreamEvent;
}

/** The SSE text of one numbered event: its id line and one JSON data line. */
export const sseFrame = ({ id, event }: NumberedEvent): string =>
  // Id 0 is an instance's own word (shutdown), not part of the answer: no id, so a reconnect resumes right.
  encodeSseMessage({ id: id > 0 ? id : undefined, data: JSON.stringify(event) });

/**
 * The relay for an answer nobody will resume: deltas become numbered contract events — one
 * `content` per delta, then `done`; on failure `error`, then `done` — sent as SSE bytes in one
 * stream stage (see byte_stream.ts), with keep-alive comments when quiet. Pull-based: the source
 * is read only as fast as the client takes the bytes, and cancelling cancels the source.
 */
export function relayDeltas(
  deltas: ReadableStream<Delta> | SourceReader<Delta>,
  options: {
    keepAliveMs: number;
    firstId?: number;
    describeError: DescribeError;
    /** The answer's stats, read when `done` is sent. */
    stats?: () => AnswerStats | undefined;
    /** Why the model stopped and where the answer is kept, read when `done` is sent. */
    end?: () => AnswerEnd;
  },
): ReadableStream<Uint8Array> {
  let nextId = options.firstId ?? 1;
  const frame = (event: StreamEvent) => sseFrame({ id: nextId++, event });
  const done = () => frame(doneEvent(options.stats?.(), options.end?.()));
  return sseByteStream(deltas, options.keepAliveMs, {
    item: (delta) => frame(delta.kind === "content" ? contentEvent(delta.text) : reasoningEvent(delta.text)),
    end: done,
    error(error) {
      const { message, code, serverMessage } = options.describeError(error);
      return frame(errorEvent(message, code, serverMessage)) + done();
    },
  });
}
