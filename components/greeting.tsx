import type { ComponentChildren } from "preact";
import type { Translate } from "./translate.ts";

/**
 * What an empty conversation shows: who is there, greeting in its own voice, and a few openers it
 * answers well, each sent with a click.
 */
export function Greeting({ avatar, speaker, text, suggestions, onSuggest, disabled = false, t }: {
  avatar: ComponentChildren;
  speaker: string;
  text: string;
  suggestions: string[];
  onSuggest: (suggestion: string) => void;
  disabled?: boolean;
  t: Translate;
}) {
  return (
    <div class="greeting">
      <p class="greeting-text">
        <span class="greeting-avatar" aria-hidden="true">{avatar}</span>
        <span>
          <strong class="greeting-speaker">{speaker}</strong>
          <span class="greeting-words">{text}</span>
        </span>
      </p>
      <Suggestions suggestions={suggestions} onSuggest={onSuggest} disabled={disabled} t={t} />
    </div>
  );
}

/** Suggested requests as chips: each does what it says with one click. */
export function Suggestions({ suggestions, onSuggest, disabled = false, label, t }: {
  suggestions: string[];
  onSuggest: (suggestion: string) => void;
  disabled?: boolean;
  /** Words before the chips ("Try one:"). */
  label?: string;
  t: Translate;
}) {
  return (
    <div class="suggestions" role="group" aria-label={label ?? t("greeting.suggestions")}>
      {label && <span class="suggestions-label" aria-hidden="true">{label}</span>}
      {suggestions.map((suggestion) => (
        <button
          key={suggestion}
          type="button"
          class="chip"
          disabled={disabled}
          onClick={() => onSuggest(suggestion)}
        >
          {suggestion}
        </button>
      ))}
    </div>
  );
}

/** A string of suggestions, `|`-separated in the dictionaries, as a list. */
export const suggestionsOf = (joined: string): string[] =>
  joined.split("|").map((s) => s.trim()).filter(Boolean);
