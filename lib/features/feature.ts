import type { z } from "zod";
import type { Language } from "../i18n/mod.ts";
import type { ChatMessage, GenerationSettings } from "../llm/types.ts";
import { type ParseResult, parseWith } from "./fields.ts";

export const FEATURE_NAMES = [
  "character-chat",
  "trivia-bot",
  "story-generator",
  "spell-generator",
  "monster-diagnostic",
] as const;
export type FeatureName = typeof FEATURE_NAMES[number];

export function isFeatureName(value: string): value is FeatureName {
  return (FEATURE_NAMES as readonly string[]).includes(value);
}

/**
 * A feature is data plus a prompt: its input schema, how its inputs become the upstream
 * messages, and its generation settings. One generic handler serves every feature.
 */
export interface FeatureDefinition<Input = unknown> {
  readonly name: FeatureName;
  readonly schema: z.ZodType<Input>;
  readonly settings: GenerationSettings;
  /** The server's system prompt first, then the conversation ending with the user's turn. */
  buildMessages(input: Input, language: Language): ChatMessage[];
  /** Inputs the demo model weaves into its answer. */
  demoInputs(input: Input): Record<string, string>;
}

/** How many earlier messages of a conversation are sent upstream. */
export const CONTEXT_MESSAGES = 20;

/** What the generic handler needs once a request's inputs are valid. */
export interface PreparedRequest {
  messages: ChatMessage[];
  demoInputs: Record<string, string>;
}

/** A feature with its input type erased, as the generic handler sees it. */
export interface Feature {
  readonly name: FeatureName;
  readonly settings: GenerationSettings;
  /** Validates raw inputs; when they are good, builds the upstream messages. */
  prepare(raw: unknown, language: Language): ParseResult<PreparedRequest>;
}

export function defineFeature<Input>(definition: FeatureDefinition<Input>): Feature {
  return {
    name: definition.name,
    settings: definition.settings,
    prepare(raw, language) {
      const parsed = parseWith(definition.schema, raw);
      if (!parsed.ok) return parsed;
      return {
        ok: true,
        value: {
          messages: definition.buildMessages(parsed.value, language),
          demoInputs: definition.demoInputs(parsed.value),
        },
      };
    },
  };
}
