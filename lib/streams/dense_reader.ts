import type { NumberedEvent } from "../sse/relay.ts";

/** A growing list of an answer's events, numbered densely from 1, as one instance holds it. */
export interface DenseEvents {
  readonly events: NumberedEvent[];
  /**
   * Whether the list will grow no more: "end" when it is whole, an event to send last (this
   * instance's own word, like shutdown) when reading must stop early, undefined while it grows.
   */
  ending(): "end" | NumberedEvent | undefined;
  /** Resolves when the list grows or ends. */
  changed(): Promise<void>;
}

/**
 * One reader's stream of the events after `afterId`, pull-based: each event once, in order,
 * indexed by id (the event after `cursor` is at index `cursor`). `detach` is called once, when
 * the reader is done or goes away.
 */
export function readDense(
  source: DenseEvents,
  afterId: number,
  detach: () => void,
): ReadableStream<NumberedEvent> {
  let cursor = afterId;
  let attached = true;
  const leave = () => {
    if (!attached) return;
    attached = false;
    detach();
  };
  return new ReadableStream<NumberedEvent>({
    pull: async (controller) => {
      while (true) {
        const next = source.events[cursor];
        if (next) {
          cursor = next.id;
          controller.enqueue(next);
          return;
        }
        const ending = source.ending();
        if (ending) {
          if (ending !== "end") controller.enqueue(ending);
          leave();
          controller.close();
          return;
        }
        await source.changed();
      }
    },
    cancel: leave,
  }, { highWaterMark: 0 });
}
