import type { ConversationBook } from "../lib/client/conversation.ts";
import type { Translate } from "./translate.ts";

/**
 * A form's submit button, which turns into Stop in the same place, at the same size, while the
 * answer shown beside it is being written (Escape stops it too). The submit button stays in the
 * form, disabled and hidden, so Enter never sends meanwhile.
 */
export function SendButton({ id, label, book, showing, disabled = false, t }: {
  id: string;
  label: string;
  book: ConversationBook;
  /** The conversation shown beside the button. */
  showing: string;
  disabled?: boolean;
  t: Translate;
}) {
  const busy = book.controller.active.value;
  const writingHere = busy && book.live.value === showing;
  return (
    <span class="send-place">
      <button id={id} type="submit" class="btn btn-primary" disabled={busy || disabled} hidden={writingHere}>
        {label}
      </button>
      {writingHere && (
        <button
          type="button"
          class="btn btn-stop"
          data-action="stop"
          aria-keyshortcuts="Escape"
          onClick={() => book.controller.stop()}
        >
          <span class="stop-square" aria-hidden="true" />
          {t("stream.stop")}
        </button>
      )}
    </span>
  );
}
