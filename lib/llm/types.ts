import type { ContextWindow } from "./context_window.ts";

export type Role = "system" | "user" | "assistant";

export interface ChatMessage {
  role: Role;
  content: string;
}

export interface ModelSettings {
  temperature: number;
  maxTokens: number;
  /** The variable that sets `maxTokens`: named when a model's thinking used all of it. */
  maxTokensVariable?: string;
}

/** A piece of a streamed answer: the answer's own text, or the model's thinking before it. */
export interface Delta {
  kind: "content" | "reasoning";
  text: string;
}

/** A whole answer: its text, the thinking before it (may be empty), and why it ended. */
export interface Completion {
  content: string;
  reasoning: string;
  finishReason: string;
}

/** What the demo model needs to answer in the right format; never sent to a real server. */
export interface DemoHints {
  feature: string;
  language: string;
  /** Feature inputs, for the demo model to weave into its text. */
  inputs?: Record<string, string>;
}

export interface Usage {
  promptTokens?: number;
  completionTokens?: number;
}

export interface ModelRequest {
  messages: ChatMessage[];
  settings: ModelSettings;
  hints?: DemoHints;
  /** Aborting it aborts the upstream request. */
  signal?: AbortSignal;
  /** Called once when the model finished normally. */
  onFinish?: (info: { finishReason: string; usage?: Usage }) => void;
}

export interface LlmClient {
  readonly provider: "openai" | "demo";
  /** The model named in requests, once known ("" while a server's own is not asked yet). */
  readonly model: string;
  /** What the model server is called (`llama.cpp`, `OpenAI`, its host): shown beside the model. */
  readonly server?: string;
  /** Where the model server is (its OpenAI-compatible base URL); none for the demo. */
  readonly baseURL?: string;
  /** The model, asking the server which it serves when none is configured. */
  resolveModel(): Promise<string>;
  /** Thinking and text deltas as the model produces them; cancelling the stream aborts the upstream request. */
  stream(request: ModelRequest): ModelStream;
  /** The whole answer from one non-streaming upstream call. */
  complete(request: ModelRequest): Promise<Completion>;
  /** The model's context window and token counts, to keep what is sent within it. */
  readonly window: ContextWindow;
}

/**
 * A model's answer as it comes, and when the model server took the request: `accepted` settles
 * once its response head arrived (before its first word), or fails with the LlmError that refused it.
 */
export type ModelStream = ReadableStream<Delta> & { readonly accepted: Promise<void> };
