/**
 * The demo model's trivia: facts, labelled as the page expects, and a quiz that asks one question
 * and then judges the reply to it (the question is found again in the answer before the reply).
 */
import type { Language } from "../../shared/contract.ts";
import { type Bank, type DemoRequest, pick, pickSome } from "../demo_kit.ts";
import { FACT_LABEL } from "./labels.ts";

const triviaFacts: Bank = {
  en: [
    "Halloween grew out of Samhain, a Celtic festival marking the end of the harvest around 1 November.",
    "The first jack-o'-lanterns in Ireland and Scotland were carved from turnips, not pumpkins.",
    "Trick-or-treating echoes the medieval custom of 'souling', when people went door to door for soul cakes.",
    "In Mexico, Día de los Muertos on 1–2 November honours the dead with altars, marigolds and sugar skulls.",
    "Black cats became linked to Halloween through medieval European beliefs about witches' familiars.",
  ],
  ja: [
    "ハロウィンは、11月1日ごろに収穫の終わりを祝ったケルトの祭り「サウィン」に由来します。",
    "アイルランドやスコットランドの最初のジャック・オー・ランタンは、カボチャではなくカブで作られていました。",
    "トリック・オア・トリートは、中世に家々を回って「ソウルケーキ」をもらった「ソウリング」の習慣に似ています。",
    "メキシコの「死者の日」（11月1〜2日）には、祭壇やマリーゴールド、砂糖のドクロで故人をしのびます。",
    "黒猫がハロウィンと結びついたのは、魔女の使い魔に関する中世ヨーロッパの言い伝えのためです。",
  ],
};

interface QuizQuestion {
  question: Record<Language, string>;
  /** What a right reply contains (the letter or the words). */
  right: RegExp;
  answer: Record<Language, string>;
  fact: Record<Language, string>;
}

const QUIZ: QuizQuestion[] = [
  {
    question: {
      en: "What were the first jack-o'-lanterns carved from? (a) pumpkins (b) turnips (c) apples",
      ja: "最初のジャック・オー・ランタンは何で作られていた？ (a) カボチャ (b) カブ (c) リンゴ",
    },
    right: /\bb\b|turnip|カブ|かぶ|ｂ/i,
    answer: { en: "(b) turnips", ja: "(b) カブ" },
    fact: { en: triviaFacts.en[1], ja: triviaFacts.ja[1] },
  },
  {
    question: {
      en: "Which Celtic festival did Halloween grow out of? (a) Beltane (b) Yule (c) Samhain",
      ja: "ハロウィンの起源となったケルトの祭りは？ (a) ベルテイン (b) ユール (c) サウィン",
    },
    right: /\bc\b|samhain|サウィン|ｃ/i,
    answer: { en: "(c) Samhain", ja: "(c) サウィン" },
    fact: { en: triviaFacts.en[0], ja: triviaFacts.ja[0] },
  },
  {
    question: {
      en: "What did people collect when they went 'souling'? (a) soul cakes (b) candles (c) coins",
      ja: "「ソウリング」で人々がもらったものは？ (a) ソウルケーキ (b) 蝋燭 (c) 硬貨",
    },
    right: /\ba\b|cake|ケーキ|ａ/i,
    answer: { en: "(a) soul cakes", ja: "(a) ソウルケーキ" },
    fact: { en: triviaFacts.en[2], ja: triviaFacts.ja[2] },
  },
];

const QUESTION_LABEL: Record<Language, string> = { en: "Quiz question:", ja: "クイズ:" };
/** A reply that asks for a quiz (not the opener, which offers a fact *or* a quiz: that gets facts). */
const WANTS_QUIZ =
  /^(ask me a( halloween)? quiz|quiz me|another (one|question))|^ハロウィンのクイズ|クイズを出して|もう一問/i;

export function demoAnswer(
  { language, lastUserMessage, previousAnswer = "", earlierAnswers = previousAnswer, random }: DemoRequest,
): string {
  const asked = QUIZ.find((quiz) =>
    previousAnswer.includes(quiz.question.en) || previousAnswer.includes(quiz.question.ja)
  );
  if (asked && !WANTS_QUIZ.test(lastUserMessage)) return judged(asked, lastUserMessage, language);
  if (WANTS_QUIZ.test(lastUserMessage)) {
    const quiz = pick(QUIZ.filter((q) => q !== asked), random);
    return language === "ja"
      ? `クイズの時間です！🎃\n${QUESTION_LABEL.ja} ${quiz.question.ja}\n答えを a、b、c で送ってください。`
      : `Quiz time! 🎃\n${QUESTION_LABEL.en} ${quiz.question.en}\nReply with a, b or c.`;
  }
  // Never a fact the conversation has had already.
  const facts = pickSome(triviaFacts[language].filter((fact) => !earlierAnswers.includes(fact)), 2, random);
  if (facts.length === 0) {
    return language === "ja"
      ? "ハロウィンの豆知識は、これで全部お話ししました！次は「クイズを出して」で腕試しをどうぞ。"
      : 'That is every Halloween fact in my book! Say "quiz me" and see how many you remember.';
  }
  const intro = language === "ja" ? "ハロウィンの歴史へようこそ！" : "What a spooky question!";
  const outro = language === "ja"
    ? "クイズに挑戦したければ「クイズを出して」と言ってくださいね。"
    : 'Say "quiz me" whenever you want a question to answer!';
  return [intro, ...facts.map((fact) => `${FACT_LABEL[language]} ${fact}`), outro].join("\n");
}

function judged(quiz: QuizQuestion, reply: string, language: Language): string {
  const right = quiz.right.test(reply.trim());
  const verdict = language === "ja"
    ? right ? `正解です！答えは ${quiz.answer.ja}。` : `残念、答えは ${quiz.answer.ja} でした。`
    : right
    ? `Correct! The answer is ${quiz.answer.en}.`
    : `Not quite: the answer is ${quiz.answer.en}.`;
  const next = language === "ja" ? "もう一問いきますか？" : "Want another question?";
  return [verdict, `${FACT_LABEL[language]} ${quiz.fact[language]}`, next].join("\n");
}
