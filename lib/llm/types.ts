export type Role = "system" | "user" | "assistant";

export interface ChatMessage {
  role: Role;
  content: string;
}

export interface GenerationSettings {
  temperature: number;
  maxTokens: number;
}

/** What the demo model needs to answer in the right format; never sent to a real server. */
export interface GenerationHints {
  feature: string;
  language: string;
  /** Feature inputs, for the demo model to weave into its text. */
  inputs?: Record<string, string>;
}

export interface Usage {
  promptTokens?: number;
  completionTokens?: number;
}

export interface GenerationRequest {
  messages: ChatMessage[];
  settings: GenerationSettings;
  hints?: GenerationHints;
  /** Aborting it aborts the upstream request. */
  signal?: AbortSignal;
  /** Called once when the model finished normally. */
  onFinish?: (info: { finishReason: string; usage?: Usage }) => void;
}

export interface LlmClient {
  readonly provider: "openai" | "demo";
  readonly model: string;
  /** Text deltas as the model produces them; cancelling the stream aborts the upstream request. */
  stream(request: GenerationRequest): ReadableStream<string>;
  /** The whole answer from one non-streaming upstream call. */
  complete(request: GenerationRequest): Promise<string>;
}
