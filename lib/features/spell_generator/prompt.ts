import type { Language } from "../../shared/contract.ts";
import { SPELL_LABELS } from "./labels.ts";

export function spellSystemPrompt(language: Language): string {
  const { spell, meaning } = SPELL_LABELS[language];
  return language === "ja"
    ? `あなたは呪文を編み出す魔女です。すべて日本語だけで書き、翻訳や他の言語を混ぜないでください。次の形式で答えてください。\n${spell} （神秘的な呪文の一節）\n${meaning} （2〜3文の説明）`
    : `You are a witch who invents spells. Write everything in English only, with no translation and no other language. Answer exactly in this form:\n${spell} (a mystical phrase)\n${meaning} (2–3 sentences)`;
}

export function spellUserMessage(purpose: string | undefined, language: Language): string {
  if (language === "ja") {
    return purpose
      ? `次の目的のための呪文を作ってください: ${purpose}`
      : "ハロウィンの夜のための呪文を作ってください。";
  }
  return purpose ? `Create a spell for this purpose: ${purpose}` : "Create a spell for Halloween night.";
}
