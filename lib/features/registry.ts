/** Every feature the API serves, from the generated registry (one folder each in lib/features/). */
import type { DemoAnswers } from "../llm/demo_model.ts";
import type { DemoHints } from "../llm/types.ts";
import type { Random } from "./demo_kit.ts";
import { type Feature, GO_ON } from "./feature.ts";
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
  earlierAnswers = previousAnswer,
): string {
  const feature = features.get(hints?.feature ?? "") ?? features.get("character-chat")!;
  const language = hints?.language === "ja" ? "ja" : "en";
  const answer = (asked: string) =>
    feature.demo({
      inputs: hints?.inputs ?? {},
      language,
      lastUserMessage: asked,
      previousAnswer,
      earlierAnswers,
      random,
    });
  if (lastUserMessage !== GO_ON.en && lastUserMessage !== GO_ON.ja) return answer(lastUserMessage);
  return continuation(previousAnswer, () => answer(""), language);
}

/**
 * What the demo adds when asked to go on (Continue): sentences in the feature's voice that the
 * answer so far does not have yet, never its beginning again nor the words of the ask itself.
 */
function continuation(sofar: string, another: () => string, language: "en" | "ja"): string {
  const sentences = (text: string) =>
    text.match(language === "ja" ? /[^。！？\n]+[。！？]?/g : /[^.!?\n]+[.!?]?/g) ?? [];
  const had = new Set(sentences(sofar).map((s) => s.trim()));
  for (let tries = 0; tries < 5; tries++) {
    const fresh = sentences(another()).map((s) => s.trim())
      .filter((s) => s && !had.has(s) && !sofar.includes(s.slice(0, 12)) && !/^#/.test(s));
    if (fresh.length > 0) {
      return `${language === "ja" ? "" : " "}${fresh.slice(0, 2).join(language === "ja" ? "" : " ")}`;
    }
  }
  return language === "ja" ? "今宵は、ここまでにしておこう。" : " And that, for tonight, is all.";
}

/** The demo model's answers for the features served: each feature's own, and what it is asked. */
export function demoAnswersFor(features: ReadonlyMap<string, Feature> = FEATURES): DemoAnswers {
  return (hints, lastUserMessage, random, previousAnswer, earlierAnswers) => {
    const feature = features.get(hints?.feature ?? "") ?? features.get("character-chat")!;
    return {
      answer: composeDemoAnswer(hints, lastUserMessage, random, previousAnswer, features, earlierAnswers),
      asked: feature.demoAsked[hints?.language === "ja" ? "ja" : "en"],
    };
  };
}
