import type { Language } from "../../shared/contract.ts";

/** The labels the prompt asks the model to use, and the page looks for to lay a diagnosis out. */
export const MONSTER_LABELS: Record<Language, { type: string; analysis: string; fact: string }> = {
  en: { type: "Monster Type:", analysis: "Analysis:", fact: "Fun Fact:" },
  ja: { type: "モンスタータイプ:", analysis: "分析:", fact: "豆知識:" },
};
