import type { Language } from "../i18n/mod.ts";

/** Labels the prompts ask the model to use, and the views look for to lay answers out. */
export const FACT_LABEL: Record<Language, string> = { en: "Fact:", ja: "豆知識:" };

export const SPELL_LABELS: Record<Language, { spell: string; meaning: string }> = {
  en: { spell: "Spell:", meaning: "Meaning:" },
  ja: { spell: "呪文:", meaning: "意味:" },
};

export const MONSTER_LABELS: Record<Language, { type: string; analysis: string; fact: string }> = {
  en: { type: "Monster Type:", analysis: "Analysis:", fact: "Fun Fact:" },
  ja: { type: "モンスタータイプ:", analysis: "分析:", fact: "豆知識:" },
};
