import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { StreamController } from "../lib/client/stream_controller.ts";
import type { Translate } from "./translate.ts";

/** Within this many pixels of the bottom, the reader is "at the newest text". */
const AT_BOTTOM_PX = 64;

/**
 * Keeps the newest text of a streaming answer in view, as chat UIs do: while an answer streams
 * and the reader is at the bottom of the page, the page follows it down as it grows. A reader who
 * scrolls up is left exactly where they are, and a bar offers "Jump to latest" (following again)
 * and Stop, so both stay within reach wherever they read.
 */
export function FollowAnswer({ controller, t }: { controller: StreamController | undefined; t: Translate }) {
  const away = useSignal(false);
  const active = controller?.active.value === true;
  useEffect(() => {
    away.value = false;
    if (!active) return;
    const root = document.documentElement;
    const atBottom = () => globalThis.innerHeight + globalThis.scrollY >= root.scrollHeight - AT_BOTTOM_PX;
    let lastY = globalThis.scrollY;
    const follow = () => {
      if (away.value) return;
      globalThis.scrollTo({ top: root.scrollHeight });
      lastY = globalThis.scrollY;
    };
    const onScroll = () => {
      // Following only ever scrolls down: scrolling up is the reader's own doing.
      if (globalThis.scrollY < lastY - 2 && !atBottom()) away.value = true;
      else if (atBottom()) away.value = false;
      lastY = globalThis.scrollY;
    };
    const growth = new ResizeObserver(follow);
    growth.observe(document.body);
    follow();
    globalThis.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      growth.disconnect();
      globalThis.removeEventListener("scroll", onScroll);
    };
  }, [active, controller]);
  if (!active || !away.value) return null;
  return (
    <div class="follow-bar" role="region" aria-label={t("stream.jump_latest")}>
      <button
        type="button"
        class="btn"
        onClick={() => {
          away.value = false;
          globalThis.scrollTo({ top: document.documentElement.scrollHeight });
        }}
      >
        {t("stream.jump_latest")} ↓
      </button>
      <button type="button" class="btn btn-stop" data-action="stop" onClick={() => controller?.stop()}>
        {t("stream.stop")}
      </button>
    </div>
  );
}
