import { z } from "zod";
import { characterSystemPrompt } from "./prompt.ts";
import { CHARACTER_ALIASES, CHARACTER_IDS } from "./characters.ts";
import { defineFeature } from "../feature.ts";
import { demoAnswer } from "./demo.ts";
import { choice, optionalText, verbatimText } from "../fields.ts";
import { LONG_TEXT_MAX } from "../../shared/contract.ts";

const MAX_MESSAGES = 200;

const priorMessage = z.object({
  role: z.enum(["user", "assistant"], {
    error: "messages may only have the roles user and assistant",
  }),
  content: verbatimText("messages", LONG_TEXT_MAX, "each message"),
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
  const last = conversation.pop();
  if (!last) {
    ctx.addIssue({ code: "custom", path: ["message"], message: "message is required" });
    return z.NEVER;
  }
  if (last.role !== "user") {
    ctx.addIssue({ code: "custom", path: ["messages"], message: "messages must end with a user message" });
    return z.NEVER;
  }
  return {
    character: input.character,
    message: last.content,
    /** The conversation before `message`, when the client sent one. */
    prior: input.messages ? conversation : undefined,
  };
});

export type CharacterChatInput = z.output<typeof characterChatSchema>;

export const characterChat = defineFeature<CharacterChatInput>({
  name: "character-chat",
  schema: characterChatSchema,
  order: 1,
  settings: { temperature: 0.8, maxTokens: 4000 },
  shelf: (input) => `character-chat/${input.character}`,
  continues: () => true,
  systemPrompt: (input, language) => characterSystemPrompt(input.character, language),
  userMessage: (input) => input.message,
  clientHistory: (input) => input.prior,
  demo: demoAnswer,
  demoAsked: { en: "a chat, and I speak as the character", ja: "キャラクターとしての会話" },
  demoInputs: (input) => ({ character: input.character }),
});

export default characterChat;
