/**
 * What every feature's demo answer is made with: a chosen-at-random phrase bank per language.
 * The demo model (lib/llm/demo_model.ts) asks the feature for its answer (`demo` in its definition).
 */
import type { Language } from "../shared/contract.ts";

export type Random = () => number;
export type Bank = Record<Language, string[]>;

/** What a feature's demo answer may draw on. */
export interface DemoRequest {
  /** The request's inputs, as the feature chose to pass them (`demoInputs`). */
  inputs: Record<string, string>;
  language: Language;
  /** The user's last message, as sent to the model. */
  lastUserMessage: string;
  /** The model's answer before it, in a conversation (a quiz question to judge the reply to). */
  previousAnswer?: string;
  /** Every earlier answer of the conversation, joined: what it has said already. */
  earlierAnswers?: string;
  random: Random;
}

export function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length) % items.length];
}

export function pickSome<T>(items: readonly T[], count: number, random: Random): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0) {
    chosen.push(pool.splice(Math.floor(random() * pool.length) % pool.length, 1)[0]);
  }
  return chosen;
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");
}

export function quoteOf(text: string, language: Language): string {
  if (!text.trim()) return language === "ja" ? "この夜" : "this night";
  return language === "ja" ? quoted(text, language) : `"${quoted(text, language)}"`;
}

/**
 * A user's words woven into a sentence: in English as they are; in Japanese inside 「」, so an
 * English phrase (or any phrase) reads as a name in the sentence rather than stitched into it.
 */
export function quoted(text: string, language: Language): string {
  const short = text.trim().replace(/\s+/g, " ").slice(0, 60);
  return language === "ja" ? `「${short}」` : short;
}
