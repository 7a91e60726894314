import { z } from "zod";
import { characterSystemPrompt } from "../prompts/character_chat.ts";
import { CHARACTER_ALIASES, CHARACTER_IDS } from "./characters.ts";
import { CONTEXT_MESSAGES, defineFeature } from "./feature.ts";
import { choice, LONG_TEXT_MAX, optionalText } from "./fields.ts";
import { GENERATION_SETTINGS } from "./settings.ts";

const MAX_MESSAGES = 200;

const priorMessage = z.object({
  role: z.enum(["user", "assistant"], {
    error: "messages may only have the roles user and assistant",
  }),
  content: z.string({ error: "each message needs text content" })
    .max(LONG_TEXT_MAX, { error: `each message must be at most ${LONG_TEXT_MAX} characters` }),
}, { error: "each message must be an object with role and content" });

export const characterChatSchema = z.object({
  character: choice("character", CHARACTER_IDS, CHARACTER_ALIASES),
  message: optionalText("message", LONG_TEXT_MAX),
  messages: z.array(priorMessage, { error: "messages must be a list" })
    .max(MAX_MESSAGES, { error: `messages may hold at most ${MAX_MESSAGES} entries` })
    .optional(),
}).transform((input, ctx) => {
  const conversation = [...(input.messages ?? [])];
  if (input.message) conversation.push({ role: "user", content: input.message });
  if (conversation.length === 0) {
    ctx.addIssue({ code: "custom", path: ["message"], message: "message is required" });
    return z.NEVER;
  }
  if (conversation[conversation.length - 1].role !== "user") {
    ctx.addIssue({ code: "custom", path: ["messages"], message: "messages must end with a user message" });
    return z.NEVER;
  }
  return { character: input.character, conversation };
});

export type CharacterChatInput = z.output<typeof characterChatSchema>;

export const characterChat = defineFeature<CharacterChatInput>({
  name: "character-chat",
  schema: characterChatSchema,
  settings: GENERATION_SETTINGS["character-chat"],
  buildMessages(input, language) {
    return [
      { role: "system", content: characterSystemPrompt(input.character, language) },
      ...input.conversation.slice(-CONTEXT_MESSAGES),
    ];
  },
  demoInputs(input) {
    return { character: input.character };
  },
});
