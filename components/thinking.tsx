import { useSignal, useSignalEffect } from "@preact/signals";
import type { StreamController } from "../lib/client/stream_controller.ts";
import type { Translate } from "./translate.ts";

/**
 * A reasoning model's thinking above its answer: folded, with "Thinking… 12 s" while it thinks
 * (it can be opened to read along), folded again once the answer starts; afterwards "Thoughts",
 * to open at will. Plain text: the model's words stay inert.
 */
export function Thinking({ reasoning, controller, live, t }: {
  reasoning: string | undefined;
  /** The controller of a live answer (for its timer), when this is one. */
  controller?: StreamController;
  live: boolean;
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
  return (
    <details
      class="thinking"
      open={open.value}
      onToggle={(event) => (open.value = (event.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>
        {thinkingNow ? t("stream.thinking", { seconds: seconds.value }) : t("stream.thoughts")}
      </summary>
      <div class="thinking-text">{reasoning}</div>
    </details>
  );
}
