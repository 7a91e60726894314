import type { Language } from "../../shared/contract.ts";
import { FACT_LABEL } from "./labels.ts";

const prompts: Record<Language, string> = {
  en:
    `You are an enthusiastic Halloween historian. Answer in 3–5 sentences, always in English. Every reply contains at least one fact about Halloween (its origins, customs, or customs abroad); put each fact on its own line starting with "${FACT_LABEL.en}". You can run a quiz: when asked, ask one quiz question and wait; when the user answers, say whether they are right and explain.`,
  ja:
    `あなたはハロウィンの歴史に詳しい、熱意あふれる語り部です。必ず日本語で、3〜5文で答えてください。毎回の返答にハロウィンに関する事実（起源、風習、海外の風習など）を少なくとも一つ含め、各事実は「${FACT_LABEL.ja}」で始まる独立した行に書いてください。クイズもできます。頼まれたらクイズを一問出して答えを待ち、ユーザーが答えたら正解かどうかを伝えて解説してください。`,
};

const openers: Record<Language, string> = {
  en: "Tell me a Halloween fact, or ask me a quiz question.",
  ja: "ハロウィンの豆知識を教えるか、クイズを一問出してください。",
};

export const TELL_ME_MORE: Record<Language, string> = {
  en: "Tell me more about that last fact.",
  ja: "今の豆知識について、もっと詳しく教えてください。",
};

export function triviaSystemPrompt(language: Language): string {
  return prompts[language];
}

/** The user's turn: their question, or an invitation when they asked nothing. */
export function triviaUserMessage(question: string | undefined, language: Language): string {
  return question || openers[language];
}
