import type { Ordinal } from "../lib/shared/contract.ts";
import type { Translate } from "./translate.ts";

/**
 * "‹ 2/3 ›": which of several versions of a message is shown, with buttons to the others. `kind`
 * says what the versions are: branches of a question (edits), or versions of an answer (Regenerate).
 */
export function OrdinalSwitch({ ordinal, kind, onChoose, disabled, t }: {
  ordinal: Ordinal;
  kind: "branch" | "version";
  onChoose: (index: number) => void;
  disabled?: boolean;
  t: Translate;
}) {
  const { index, count } = ordinal;
  return (
    <span
      class={`ordinal-switch ${kind}-switch`}
      role="group"
      aria-label={t(`ordinal.${kind}`, { index, count })}
    >
      <button
        type="button"
        class="btn btn-ghost btn-small btn-icon"
        aria-label={t(`ordinal.previous_${kind}`)}
        disabled={disabled || index <= 1}
        onClick={() => onChoose(index - 1)}
      >
        ‹
      </button>
      <span class="ordinal" aria-hidden="true">{index}/{count}</span>
      <button
        type="button"
        class="btn btn-ghost btn-small btn-icon"
        aria-label={t(`ordinal.next_${kind}`)}
        disabled={disabled || index >= count}
        onClick={() => onChoose(index + 1)}
      >
        ›
      </button>
    </span>
  );
}
