import { characterChat } from "./character_chat.ts";
import { type Feature, type FeatureName, isFeatureName } from "./feature.ts";

/** The features the API serves; the rest of FEATURE_NAMES are shown as coming soon. */
export const FEATURES: Partial<Record<FeatureName, Feature>> = {
  "character-chat": characterChat,
};

export function findFeature(name: string): Feature | undefined {
  return isFeatureName(name) ? FEATURES[name] : undefined;
}
