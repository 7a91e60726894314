import { SHORT_TEXT_MAX } from "../../shared/contract.ts";
import { useSignal } from "@preact/signals";
import { useKeptInput } from "../../client/kept_place.ts";
import { parseLabelled } from "../../client/labelled_text.ts";
import { SPELL_LABELS } from "./labels.ts";
import { FieldError, firstProblem, TextField } from "../../../components/form_fields.tsx";
import { Markdown } from "../../../components/markdown.tsx";
import { ResultArea } from "../../../components/result_area.tsx";
import { ConversationList } from "../../../components/conversation_list.tsx";
import { SendButton } from "../../../components/send_button.tsx";
import { Suggestions, suggestionsOf } from "../../../components/greeting.tsx";
import type { PanelEntry, PanelProps } from "../panel.ts";

const SHELF = "spell-generator";
const LABELS = {
  spell: Object.values(SPELL_LABELS).map((l) => l.spell),
  meaning: Object.values(SPELL_LABELS).map((l) => l.meaning),
};

export function SpellView({ text }: { text: string }) {
  const parts = parseLabelled(text, LABELS);
  if (parts.spell === undefined) {
    return (
      <div class="spell-raw">
        <Markdown text={text} />
      </div>
    );
  }
  return (
    <div class="spell">
      <p class="spell-phrase">✨ {parts.spell}</p>
      {parts.meaning !== undefined && (
        <div class="spell-meaning">
          <Markdown text={parts.meaning} />
        </div>
      )}
    </div>
  );
}

export function SpellPanel({ book, language, busy, selected, t }: PanelProps) {
  const purpose = useKeptInput<string>("spell.purpose", "");
  const problem = useSignal<string | null>(null);
  const cast = useSignal<{ purpose?: string } | null>(null);
  const hasSpell = book.bubblesIn(SHELF).some((b) => b.role === "assistant");

  function castSpell(forPurpose: string) {
    const body = { language, ...(forPurpose ? { purpose: forPurpose } : {}) };
    cast.value = { purpose: forPurpose };
    void book.ask(SHELF, forPurpose || "✨", body, { fresh: true });
  }

  function submit(event: Event) {
    event.preventDefault();
    problem.value = firstProblem([{
      label: t("spell.purpose_label"),
      value: purpose.value,
      max: SHORT_TEXT_MAX,
    }], t);
    if (!problem.value) castSpell(purpose.value.trim());
  }

  return (
    <section>
      <form id="spell-generator-form" class="form-grid" onSubmit={submit} noValidate>
        <TextField
          id="spell-purpose"
          label={t("spell.purpose_label")}
          value={purpose}
          max={SHORT_TEXT_MAX}
          placeholder={t("spell.placeholder")}
          t={t}
        />
        <SendButton
          id="spell-generator-submit"
          label={t("spell.submit")}
          book={book}
          showing={book.idIn(SHELF)}
          t={t}
        />
      </form>
      <FieldError message={problem.value} />
      {!hasSpell && (
        <Suggestions
          suggestions={suggestionsOf(t("spell.suggest"))}
          label={t("spell.try")}
          disabled={busy}
          t={t}
          onSuggest={(suggestion) => {
            purpose.value = suggestion;
            problem.value = null;
            castSpell(suggestion);
          }}
        />
      )}
      <ConversationList
        book={book}
        shelf={SHELF}
        t={t}
        language={language}
        selected={selected}
        listLabel={(count) => t("spell.list", { count })}
      />
      <ResultArea
        book={book}
        shelf={SHELF}
        id="spell-generator-result"
        selected={selected}
        empty={t("spell.empty")}
        speakerName={t("spell.speaker")}
        t={t}
      >
        {(text) => <SpellView text={text} />}
      </ResultArea>
      {hasSpell && (
        <div class="actions">
          <button
            id="spell-cast-again"
            type="button"
            class="btn"
            disabled={busy}
            onClick={() => castSpell(cast.value?.purpose ?? purpose.value.trim())}
          >
            {t("spell.cast_again")}
          </button>
        </div>
      )}
    </section>
  );
}

export default { name: "spell-generator", icon: "✨", Panel: SpellPanel } satisfies PanelEntry;
