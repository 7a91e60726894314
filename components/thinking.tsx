import { useSignal, useSignalEffect } from "@preact/signals";
import type { StreamController } from "../lib/client/stream_controller.ts";
import type { AnswerStats } from "../lib/shared/contract.ts";
import type { Translate } from "./translate.ts";

/**
 * A reasoning model's thinking above its answer: folded, with "Thinking… 12 s" while it thinks
 * (it can be opened to read along; the only word of progress on screen meanwhile), folded again
 * once the answer starts; afterwards "Thought for 12 s", to open at will, or "Stopped while
 * thinking" when it was stopped before any answer. Plain text: the model's words stay inert.
 */
export function Thinking({ reasoning, controller, live, stats, stopped = false, t }: {
  reasoning: string | undefined;
  /** The controller of a live answer (for its timer), when this is one. */
  controller?: StreamController;
  live: boolean;
  /** A stored answer's stats: how long it thought. */
  stats?: AnswerStats;
  /** A stored answer that was stopped (or failed) before any of its text. */
  stopped?: boolean;
  t: Translate;
}) {
  const open = useSignal(false);
  const seconds = useSignal(0);
  const thinkingNow = live && controller !== undefined && controller.status.value === "streaming" &&
    controller.answerSince.value === null;
  useSignalEffect(() => {
    // Folded once the answer starts.
    if (controller?.answerSince.value !== null) open.value = false;
  });
  useSignalEffect(() => {
    const since = controller?.thinkingSince.value;
    if (!live || since === null || since === undefined) return;
    const tick = () => (seconds.value = Math.max(0, Math.round((performance.now() - since) / 1000)));
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  });
  if (!reasoning) return null;
  const status = live ? controller?.status.value : undefined;
  const thinkingFrom = controller?.thinkingSince.value;
  const answerFrom = controller?.answerSince.value;
  const thoughtMs = live
    ? (thinkingFrom != null && answerFrom != null ? answerFrom - thinkingFrom : undefined)
    : stats?.first_chunk_ms !== undefined && stats.first_thought_ms !== undefined
    ? stats.first_chunk_ms - stats.first_thought_ms
    : undefined;
  const stoppedThinking = live ? status !== "streaming" && answerFrom == null && status !== "done" : stopped;
  const label = thinkingNow
    ? t("stream.thinking", { seconds: seconds.value })
    : stoppedThinking
    ? t("stream.stopped_thinking")
    : thoughtMs !== undefined
    ? t("stream.thought_for", { seconds: Math.max(1, Math.round(thoughtMs / 1000)) })
    : t("stream.thoughts");
  return (
    <details
      class="thinking"
      open={open.value}
      onToggle={(event) => (open.value = (event.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>
        {label}
      </summary>
      <div class="thinking-text">{reasoning}</div>
    </details>
  );
}
