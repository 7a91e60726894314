import featureStrings from "./feature_strings.gen.json" with { type: "json" };

/**
 * Every string the UI shows, in English: the app's own, then each feature's (from its folder's
 * `strings.json`, gathered by `deno task build`). `ja.ts` must have the same keys (checked by a test).
 */
const core = {
  "app.title": "Kabotan",
  "app.tagline": "Halloween tales, spells and friends of the night",
  "app.description":
    "Chat with Dracula, the Witch and friends, get a monster diagnosis, a story, a spell or a Halloween quiz: answers stream as they are written.",
  "app.demo_badge": "Demo model",
  "app.model_unreachable":
    "The language model cannot be reached right now: answers will fail until it is back.",
  "app.demo_note": "No language model is configured: answers come from the built-in demo model.",
  "app.language": "Language",
  "app.features": "Features",
  "chat.you": "You",
  "chat.clear": "Clear history",
  "form.required_mark": "(required)",
  "stream.generating": "Generating response…",
  "stream.reconnecting": "Reconnecting…",
  "stream.stop": "Stop",
  "stream.thinking": "Thinking… {seconds} s",
  "stream.thoughts": "Thoughts",
  "stream.length_limit": "The answer reached its length limit.",
  "stream.continue": "Continue",
  "stream.jump_latest": "Jump to latest",
  "stream.typing": "Writing…",
  "stream.stopped": "Stopped.",
  "stream.incomplete": "(incomplete)",
  "stream.retry": "Retry",
  "stream.without_streaming": "Get the answer without streaming",
  "stream.answer_ready": "Answer from {name}: {text}",
  "stream.stats": "First words after {first} s, then {rate} tokens a second",
  "stream.stats_estimated": "First words after {first} s, then about {rate} tokens a second",
  "stream.stats_first": "First words after {first} s",
  "answer.copy": "Copy",
  "answer.copied": "Copied",
  "answer.regenerate": "Regenerate",
  "answer.actions": "Answer actions",
  "conversation.show_earlier": "Show earlier messages",
  "error.context_full": "This conversation is too long for the model's memory: start a new chat.",
  "error.server_said": "The model server says: {message}",
  "error.new_chat": "Start a new chat",
  "stream.remembers": "{name} remembers the last {count} messages.",
  "answer.no_answer": "This message got no answer.",
  "app.busy_tab": "writing an answer",
  "error.unreachable": "The language model could not be reached.",
  "error.auth": "The language model refused the API key.",
  "error.rate_limited": "The language model is busy. Try again in a moment.",
  "error.upstream": "The language model reported an error.",
  "error.bad_response": "The language model sent an unreadable answer.",
  "error.truncated": "The answer was cut off before it finished.",
  "error.timeout": "The answer took too long and was ended.",
  "error.stalled": "The language model stopped sending.",
  "error.network": "The connection was lost.",
  "error.shutdown": "The server is restarting. Ask again in a moment.",
  "error.orphaned": "The server writing this answer stopped, so it was cut off. Ask again.",
  "error.reasoning_budget": "The model thought until its length budget ran out and wrote no answer.",
  "error.internal": "The answer failed unexpectedly.",
  "error.storage": "The answer could not be saved, so it was stopped. Try again.",
  "error.too_many_requests": "You have asked a lot in a short time. Try again in {seconds} s.",
  "error.too_many_answers":
    "Too many answers are being written at once. Wait for one to finish, or stop one.",
  "error.request": "The request was refused: {message}",
  "error.unknown": "Something went wrong.",
  "validation.required": "{field} is required.",
  "validation.too_long": "{field} must be at most {max} characters.",
} as const;

export const en = { ...core, ...featureStrings.en };

export type MessageKey = keyof typeof en;
export type Dictionary = Record<MessageKey, string>;
