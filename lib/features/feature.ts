import type { z } from "zod";
import type { Language } from "../shared/contract.ts";
import type { ChatMessage, ModelSettings } from "../llm/types.ts";
import type { DemoRequest } from "./demo_kit.ts";
import { type ParseResult, parseWith } from "./fields.ts";

/** How many earlier messages of a conversation are sent upstream. */
export const CONTEXT_MESSAGES = 20;

/** The ask to go on with an answer that was cut (Continue), in the request's language. */
export const GO_ON: Record<Language, string> = {
  en: "Continue exactly where you stopped, without repeating anything.",
  ja: "止まったところからそのまま続けてください。繰り返さないでください。",
};

/**
 * A feature is data plus a prompt. Every answer belongs to a stored conversation: a request
 * either continues it (its last messages go upstream as context) or starts it afresh.
 */
export interface FeatureDefinition<Input> {
  /** The API's name for it: `/api/{name}`, `/api/{name}-stream`. */
  readonly name: string;
  /** Where its tab stands on the page (and its place in FEATURE_NAMES). */
  readonly order: number;
  readonly schema: z.ZodType<Input>;
  /** How the model is asked: its temperature, and its length budget. */
  readonly settings: ModelSettings;
  /** The demo model's answer (no language model configured). */
  demo(request: DemoRequest): string;
  /** What a request asks for, in plain words, for the demo model's thinking ("a story to write"). */
  readonly demoAsked: Readonly<Record<Language, string>>;
  shelf(input: Input): string;
  continues(input: Input): boolean;
  /** A continuing request that makes no sense without an earlier answer (a follow-up question). */
  needsEarlierAnswer?(input: Input): { field: string; error: string } | undefined;
  systemPrompt(input: Input, language: Language): string;
  userMessage(input: Input, language: Language): string;
  /** A conversation the client sent itself: used instead of the stored one, and not stored. */
  clientHistory?(input: Input): ChatMessage[] | undefined;
  /** A new conversation's title, from the inputs (the user's message when not given). */
  title?(input: Input, language: Language): string;
  /** Inputs the demo model weaves into its answer. */
  demoInputs(input: Input): Record<string, string>;
}

/** What the generic handler needs once a request's inputs are valid. */
export interface PreparedRequest {
  shelf: string;
  continues: boolean;
  needsEarlierAnswer?: { field: string; error: string };
  system: string;
  user: string;
  clientHistory?: ChatMessage[];
  demoInputs: Record<string, string>;
  /** The title a conversation this request starts gets. */
  title: string;
}

/** A feature with its input type erased, as the generic handler sees it. */
export interface Feature {
  readonly name: string;
  readonly order: number;
  readonly settings: ModelSettings;
  demo(request: DemoRequest): string;
  readonly demoAsked: Readonly<Record<Language, string>>;
  /** Validates raw inputs; when they are good, says what to send and where it belongs. */
  prepare(raw: unknown, language: Language): ParseResult<PreparedRequest>;
}

export function defineFeature<Input>(definition: FeatureDefinition<Input>): Feature {
  return {
    name: definition.name,
    order: definition.order,
    settings: definition.settings,
    demo: (request) => definition.demo(request),
    demoAsked: definition.demoAsked,
    prepare(raw, language) {
      const parsed = parseWith(definition.schema, raw);
      if (!parsed.ok) return parsed;
      const input = parsed.value;
      return {
        ok: true,
        value: {
          shelf: definition.shelf(input),
          continues: definition.continues(input),
          needsEarlierAnswer: definition.needsEarlierAnswer?.(input),
          system: definition.systemPrompt(input, language),
          user: definition.userMessage(input, language),
          clientHistory: definition.clientHistory?.(input),
          demoInputs: definition.demoInputs(input),
          title: definition.title?.(input, language) ?? definition.userMessage(input, language),
        },
      };
    },
  };
}

/** The upstream messages: the server's system prompt, the context, then the user's turn. */
export function upstreamMessages(prepared: PreparedRequest, history: ChatMessage[]): ChatMessage[] {
  return [
    { role: "system", content: prepared.system },
    ...history.slice(-CONTEXT_MESSAGES),
    { role: "user", content: prepared.user },
  ];
}
