import type { Language } from "../../shared/contract.ts";

/** The label the prompt asks the model to put before a fact, and the page looks for. */
export const FACT_LABEL: Record<Language, string> = { en: "Fact:", ja: "豆知識:" };
