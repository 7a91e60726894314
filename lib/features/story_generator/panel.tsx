import { SHORT_TEXT_MAX } from "../../shared/contract.ts";
import { useSignal } from "@preact/signals";
import { useKeptInput } from "../../client/kept_place.ts";
import { FieldError, firstProblem, TextField } from "../../../components/form_fields.tsx";
import { Markdown } from "../../../components/markdown.tsx";
import { ResultArea } from "../../../components/result_area.tsx";
import { ConversationList } from "../../../components/conversation_list.tsx";
import { SendButton } from "../../../components/send_button.tsx";
import { Suggestions, suggestionsOf } from "../../../components/greeting.tsx";
import type { PanelEntry, PanelProps } from "../panel.ts";

const STYLES = ["gothic", "parody", "classic"] as const;
const SHELF = "story-generator";

export function StoryPanel({ book, language, busy, selected, t }: PanelProps) {
  const name = useKeptInput<string>("story.name", "");
  const theme = useKeptInput<string>("story.theme", "");
  const style = useKeptInput<typeof STYLES[number]>(
    "story.style",
    "classic",
    (kept) => (STYLES as readonly string[]).includes(kept),
  );
  const problem = useSignal<string | null>(null);

  function submit(event: Event) {
    event.preventDefault();
    problem.value = firstProblem([
      { label: t("story.name_label"), value: name.value, max: SHORT_TEXT_MAX, required: true },
      { label: t("story.theme_label"), value: theme.value, max: SHORT_TEXT_MAX, required: true },
    ], t);
    if (problem.value) return;
    write();
  }

  function write() {
    const body = { language, name: name.value.trim(), theme: theme.value.trim(), style: style.value };
    void book.ask(SHELF, `${body.name} / ${body.theme}`, body, { fresh: true });
  }

  return (
    <section>
      <form id="story-generator-form" class="form-grid" onSubmit={submit} noValidate>
        <TextField
          id="story-name"
          label={t("story.name_label")}
          value={name}
          max={SHORT_TEXT_MAX}
          required
          t={t}
        />
        <TextField
          id="story-theme"
          label={t("story.theme_label")}
          value={theme}
          max={SHORT_TEXT_MAX}
          required
          t={t}
        />
        <label class="field">
          <span>{t("story.style_label")}</span>
          <select
            id="story-style"
            value={style.value}
            onChange={(
              e,
            ) => (style.value = (e.currentTarget as HTMLSelectElement).value as typeof STYLES[number])}
          >
            {STYLES.map((s) => <option key={s} value={s}>{t(`story.style.${s}`)}</option>)}
          </select>
        </label>
        <SendButton
          id="story-generator-submit"
          label={t("story.submit")}
          book={book}
          showing={book.idIn(SHELF)}
          t={t}
        />
      </form>
      <FieldError message={problem.value} />
      {book.bubblesIn(SHELF).length === 0 && (
        <Suggestions
          suggestions={suggestionsOf(t("story.suggest"))}
          label={t("story.try")}
          disabled={busy}
          t={t}
          onSuggest={(suggestion) => {
            const [hero, setting] = suggestion.split("·").map((part) => part.trim());
            name.value = hero;
            theme.value = setting;
            problem.value = null;
            write();
          }}
        />
      )}
      <ConversationList
        book={book}
        shelf={SHELF}
        t={t}
        language={language}
        selected={selected}
        listLabel={(count) => t("story.list", { count })}
      />
      <ResultArea
        book={book}
        shelf={SHELF}
        id="story-generator-result"
        selected={selected}
        empty={t("story.empty")}
        speakerName={t("story.speaker")}
        t={t}
      >
        {(text) => <Markdown text={text} />}
      </ResultArea>
    </section>
  );
}

export default { name: "story-generator", icon: "📜", Panel: StoryPanel } satisfies PanelEntry;
