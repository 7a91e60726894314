import { LONG_TEXT_MAX } from "../../shared/contract.ts";
import { useSignal } from "@preact/signals";
import { useKeptInput } from "../../client/kept_place.ts";
import { FACT_LABEL } from "./labels.ts";
import { Markdown } from "../../../components/markdown.tsx";
import { ConversationView } from "../../../components/conversation_view.tsx";
import { ConversationList } from "../../../components/conversation_list.tsx";
import { SendButton } from "../../../components/send_button.tsx";
import { Greeting, suggestionsOf } from "../../../components/greeting.tsx";
import { FieldError, firstProblem } from "../../../components/form_fields.tsx";
import type { PanelEntry, PanelProps } from "../panel.ts";

const QUESTION_MAX = LONG_TEXT_MAX;
const SHELF = "trivia-bot";
const FACT_LINE = new RegExp(
  `^\\s*(?:[-*•🎃]\\s*)?(?:${Object.values(FACT_LABEL).map((l) => l.replace(":", "")).join("|")})\\s*[:：]`,
);

const markFact = (line: string) => (FACT_LINE.test(line) ? "fact" : undefined);

/** An answer as markdown, each "Fact:" line set apart from the rest of the reply. */
export function FactText({ text }: { text: string }) {
  return <Markdown text={text} mark={markFact} />;
}

/** The trivia bot: questions, facts and quizzes, in conversations (New quiz, the earlier ones). */
export function TriviaPanel({ book, language, busy, selected, t }: PanelProps) {
  const draft = useKeptInput<string>("trivia.question", "");
  const problem = useSignal<string | null>(null);
  const hasAnswer = book.bubblesIn(SHELF).some((b) => b.role === "assistant");

  function ask(question: string, shown = question) {
    void book.ask(SHELF, shown, { language, question });
  }

  function submit(event: Event) {
    event.preventDefault();
    problem.value = firstProblem([{
      label: t("trivia.question_label"),
      value: draft.value,
      max: QUESTION_MAX,
    }], t);
    if (problem.value) return;
    const question = draft.value.trim();
    draft.value = "";
    ask(question, question || t("trivia.you_asked_nothing"));
  }

  return (
    <section>
      <ConversationList
        book={book}
        shelf={SHELF}
        t={t}
        language={language}
        selected={selected}
        newLabel={t("trivia.new")}
        listLabel={(count) => t("trivia.list", { count })}
        toggleLabel={(count) => t("list.chats", { count })}
      />
      <ConversationView
        book={book}
        shelf={SHELF}
        maxLength={QUESTION_MAX}
        id="trivia-bot-result"
        t={t}
        selected={selected}
        greeting={
          <Greeting
            avatar="🦉"
            speaker={t("trivia.bot_name")}
            text={t("trivia.greeting")}
            suggestions={suggestionsOf(t("trivia.suggest"))}
            onSuggest={(question) => ask(question)}
            disabled={busy}
            t={t}
          />
        }
        speaker={(role) => (role === "user" ? t("chat.you") : `🦉 ${t("trivia.bot_name")}`)}
        speakerName={t("trivia.bot_name")}
        bodyFor={(question) => ({ language, question })}
        renderText={(text) => <FactText text={text} />}
      />
      <form id="trivia-bot-form" class="composer" onSubmit={submit} noValidate>
        <label class="field grow">
          <span class="sr-only">{t("trivia.question_label")}</span>
          <input
            id="trivia-bot-question"
            type="text"
            maxLength={QUESTION_MAX}
            placeholder={t("trivia.placeholder")}
            value={draft.value}
            onInput={(e) => (draft.value = (e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <SendButton
          id="trivia-bot-submit"
          label={t("trivia.ask")}
          book={book}
          showing={book.idIn(SHELF)}
          t={t}
        />
      </form>
      <div class="actions">
        <button type="button" class="btn" disabled={busy} onClick={() => ask(t("trivia.quiz_me_question"))}>
          {t("trivia.quiz_me")}
        </button>
        <button
          type="button"
          class="btn"
          disabled={busy || !hasAnswer}
          onClick={() => ask(t("trivia.tell_me_more_question"))}
        >
          {t("trivia.tell_me_more")}
        </button>
      </div>
      <FieldError message={problem.value} />
    </section>
  );
}

export default { name: "trivia-bot", icon: "🦉", Panel: TriviaPanel } satisfies PanelEntry;
