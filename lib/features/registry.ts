/** Every feature the API serves, from the generated registry (one folder each in lib/features/). */
import type { DemoAnswers } from "../llm/demo_model.ts";
import type { DemoHints } from "../llm/types.ts";
import type { Random } from "./demo_kit.ts";
import type { Feature } from "./feature.ts";
import { FEATURE_DEFINITIONS } from "./registry.gen.ts";

export const FEATURES: ReadonlyMap<string, Feature> = new Map(
  FEATURE_DEFINITIONS.map((feature) => [feature.name, feature]),
);

export function findFeature(
  name: string,
  features: ReadonlyMap<string, Feature> = FEATURES,
): Feature | undefined {
  return features.get(name);
}

/** The demo model's answer to a request: the feature's own (a chat reply when none is named). */
export function composeDemoAnswer(
  hints: DemoHints | undefined,
  lastUserMessage: string,
  random: Random = Math.random,
  previousAnswer = "",
  features: ReadonlyMap<string, Feature> = FEATURES,
): string {
  const feature = features.get(hints?.feature ?? "") ?? features.get("character-chat")!;
  return feature.demo({
    inputs: hints?.inputs ?? {},
    language: hints?.language === "ja" ? "ja" : "en",
    lastUserMessage,
    previousAnswer,
    random,
  });
}

/** The demo model's answers for the features served: each feature's own, and what it is asked. */
export function demoAnswersFor(features: ReadonlyMap<string, Feature> = FEATURES): DemoAnswers {
  return (hints, lastUserMessage, random, previousAnswer) => {
    const feature = features.get(hints?.feature ?? "") ?? features.get("character-chat")!;
    return {
      answer: composeDemoAnswer(hints, lastUserMessage, random, previousAnswer, features),
      asked: feature.demoAsked[hints?.language === "ja" ? "ja" : "en"],
    };
  };
}
