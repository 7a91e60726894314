import type { AnswerStats } from "../metrics.ts";

/** The JSON payloads of Kabotan's SSE stream (api.md), shared by the server and the islands. */
export type StreamEvent =
  | { type: "content"; chunk: string }
  | { type: "done"; chunk: ""; stats?: AnswerStats }
  | { type: "error"; error: string; code?: string };

export const contentEvent = (chunk: string): StreamEvent => ({ chunk, type: "content" });
export const doneEvent = (
  stats?: AnswerStats,
): StreamEvent => (stats ? { chunk: "", type: "done", stats } : { chunk: "", type: "done" });
export const errorEvent = (error: string, code?: string): StreamEvent => ({ error, type: "error", code });
