import { useSignal } from "@preact/signals";
import { useKeptInput } from "../../client/kept_place.ts";
import { parseLabelled } from "../../client/labelled_text.ts";
import { LONG_TEXT_MAX, MONSTER_FIELDS, SHORT_TEXT_MAX } from "../../shared/contract.ts";
import { MONSTER_LABELS } from "./labels.ts";
import { Markdown } from "../../../components/markdown.tsx";
import { ConversationView } from "../../../components/conversation_view.tsx";
import { ConversationList } from "../../../components/conversation_list.tsx";
import { SendButton } from "../../../components/send_button.tsx";
import { Suggestions, suggestionsOf } from "../../../components/greeting.tsx";
import { FieldError, firstProblem, TextField } from "../../../components/form_fields.tsx";
import type { PanelEntry, PanelProps } from "../panel.ts";
import { Announcer, AnswerStatsLine, BookStatus } from "../../../components/status_row.tsx";
import { AnswerActions } from "../../../components/answer_actions.tsx";
import { Thinking } from "../../../components/thinking.tsx";
import type { Translate } from "../../../components/translate.ts";

const SHELF = "monster-diagnostic";
const FIELDS = MONSTER_FIELDS;
const LABELS = {
  type: Object.values(MONSTER_LABELS).map((l) => l.type),
  analysis: Object.values(MONSTER_LABELS).map((l) => l.analysis),
  fact: Object.values(MONSTER_LABELS).map((l) => l.fact),
};

/** The diagnosis as a card titled with the monster's name. */
export function MonsterCard({ text, t }: { text: string; t: Translate }) {
  const parts = parseLabelled(text, LABELS);
  if (parts.type === undefined) {
    return (
      <div class="monster-raw">
        <Markdown text={text} />
      </div>
    );
  }
  return (
    <article class="monster-card">
      <h2 class="monster-name">🦇 {parts.type || t("monster.unknown")}</h2>
      {parts.analysis !== undefined && (
        <section>
          <h3>{t("monster.analysis")}</h3>
          <Markdown text={parts.analysis} />
        </section>
      )}
      {parts.fact !== undefined && (
        <section class="fun-fact">
          <h3>{t("monster.fun_fact")}</h3>
          <Markdown text={parts.fact} />
        </section>
      )}
    </article>
  );
}

export function MonsterPanel({ book, language, busy, selected, t }: PanelProps) {
  const answers = {
    favorite_food: useKeptInput<string>("monster.favorite_food", ""),
    sleep_schedule: useKeptInput<string>("monster.sleep_schedule", ""),
    hobby: useKeptInput<string>("monster.hobby", ""),
    fear: useKeptInput<string>("monster.fear", ""),
  };
  const question = useKeptInput<string>("monster.question", "");
  const problem = useSignal<string | null>(null);
  const showing = book.idIn(SHELF);
  const bubbles = book.bubbles(showing);
  // The first answer of the conversation is the diagnosis; later ones answer follow-up questions.
  const diagnosisIsLive = bubbles[1]?.live === true;
  const diagnosis = bubbles[1]?.content ?? "";
  const canFollowUp = bubbles.length >= 2 && (!diagnosisIsLive || book.controller.status.value === "done");

  function diagnose(event?: Event) {
    event?.preventDefault();
    problem.value = firstProblem(
      FIELDS.map((field) => ({
        label: t(`monster.${field}`),
        value: answers[field].value,
        max: SHORT_TEXT_MAX,
        required: true,
      })),
      t,
    );
    if (problem.value) return;
    const body = Object.fromEntries(FIELDS.map((field) => [field, answers[field].value.trim()]));
    void book.ask(SHELF, FIELDS.map((f) => body[f]).join(" / "), { language, ...body }, {
      fresh: true,
    });
  }

  function followUp(event: Event) {
    event.preventDefault();
    problem.value = firstProblem(
      [{ label: t("monster.follow_up_label"), value: question.value, max: LONG_TEXT_MAX, required: true }],
      t,
    );
    if (problem.value) return;
    const text = question.value.trim();
    question.value = "";
    void book.ask(SHELF, text, { language, question: text });
  }

  return (
    <section>
      <form id="monster-diagnostic-form" class="form-grid" onSubmit={diagnose} noValidate>
        {FIELDS.map((field) => (
          <TextField
            key={field}
            id={`monster-${field}`}
            label={t(`monster.${field}`)}
            value={answers[field]}
            max={SHORT_TEXT_MAX}
            required
            t={t}
          />
        ))}
        <SendButton
          id="monster-diagnostic-submit"
          label={t("monster.submit")}
          book={book}
          showing={diagnosisIsLive ? showing : ""}
          t={t}
        />
      </form>
      <FieldError message={problem.value} />
      {bubbles.length === 0 && (
        <Suggestions
          suggestions={[t("monster.example")]}
          disabled={busy}
          t={t}
          onSuggest={() => {
            const example = suggestionsOf(t("monster.example_answers"));
            FIELDS.forEach((field, i) => (answers[field].value = example[i] ?? ""));
            problem.value = null;
            diagnose();
          }}
        />
      )}
      <ConversationList
        book={book}
        shelf={SHELF}
        t={t}
        language={language}
        selected={selected}
        listLabel={(count) => t("monster.list", { count })}
      />
      <div id="monster-diagnostic-result" class="result">
        <Thinking
          reasoning={bubbles[1]?.reasoning}
          controller={diagnosisIsLive ? book.controller : undefined}
          live={diagnosisIsLive}
          t={t}
        />
        {diagnosis
          ? (
            <div id={selected && diagnosisIsLive ? "streaming-bubble" : undefined} class="result-body">
              <MonsterCard text={diagnosis} t={t} />
            </div>
          )
          : !diagnosisIsLive && <p class="empty">{t("monster.empty")}</p>}
        {diagnosis && (!diagnosisIsLive || book.controller.status.value === "done") && (
          <>
            {!diagnosisIsLive && bubbles[1]?.stats && <AnswerStatsLine stats={bubbles[1].stats} t={t} />}
            <AnswerActions source={diagnosis} t={t} />
          </>
        )}
        {diagnosisIsLive && <BookStatus book={book} t={t} />}
      </div>
      {canFollowUp && (
        <>
          <ConversationView
            book={book}
            shelf={SHELF}
            t={t}
            selected={selected}
            skip={2}
            speaker={(role) => (role === "user" ? t("chat.you") : `🔮 ${t("monster.diagnostician")}`)}
            speakerName={t("monster.diagnostician")}
            bodyFor={(text) => ({ language, question: text })}
          />
          <form id="monster-diagnostic-follow-up" class="composer" onSubmit={followUp} noValidate>
            <label class="field grow">
              <span class="sr-only">{t("monster.follow_up_label")}</span>
              <input
                id="monster-question"
                type="text"
                maxLength={LONG_TEXT_MAX}
                placeholder={t("monster.follow_up_placeholder")}
                value={question.value}
                onInput={(e) => (question.value = (e.currentTarget as HTMLInputElement).value)}
              />
            </label>
            <SendButton
              id="monster-diagnostic-ask"
              label={t("monster.ask")}
              book={book}
              showing={diagnosisIsLive ? "" : showing}
              t={t}
            />
          </form>
        </>
      )}
      {diagnosisIsLive && <Announcer book={book} speakerName={t("monster.diagnostician")} t={t} />}
    </section>
  );
}

export default { name: "monster-diagnostic", icon: "🔮", Panel: MonsterPanel } satisfies PanelEntry;
