import type { ComponentChildren } from "preact";
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { Translate } from "./translate.ts";
import type { AnswerStats } from "../lib/shared/contract.ts";
import { AnswerInfo } from "./status_row.tsx";

/**
 * Under a finished answer: which version it is (when Regenerate gave more than one), Copy (its
 * markdown source, with "Copied" for a moment) and, on the conversation's last answer, Regenerate
 * (a new answer, the earlier kept as a version).
 */
export function AnswerActions({ source, onRegenerate, t, children, stats }: {
  source: string;
  onRegenerate?: () => void;
  t: Translate;
  /** The answer's stats: the info control ends the row. */
  stats?: AnswerStats | null;
  /** Shown first: which version of the answer this is ("‹ 2/2 ›"). */
  children?: ComponentChildren;
}) {
  const copied = useSignal(false);
  useEffect(() => {
    if (!copied.value) return;
    const timer = setTimeout(() => (copied.value = false), 2000);
    return () => clearTimeout(timer);
  }, [copied.value]);
  return (
    <div class="answer-actions" role="group" aria-label={t("answer.actions")}>
      {children}
      <button
        type="button"
        class="btn btn-ghost btn-small btn-copy"
        onClick={async () => {
          await copyText(source);
          copied.value = true;
        }}
      >
        {t(copied.value ? "answer.copied" : "answer.copy")}
      </button>
      {onRegenerate && (
        <button type="button" class="btn btn-ghost btn-small btn-regenerate" onClick={onRegenerate}>
          {t("answer.regenerate")}
        </button>
      )}
      {stats && <AnswerInfo stats={stats} t={t} />}
      <span class="sr-only" aria-live="polite">{copied.value ? t("answer.copied") : ""}</span>
    </div>
  );
}

/** The clipboard API where the page may use it; a hidden text area otherwise (plain http on a LAN). */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // not allowed here: fall back
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}
