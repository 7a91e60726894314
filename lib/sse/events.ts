/** The JSON payloads of Kabotan's SSE stream (api.md), shared by the server and the islands. */
export type StreamEvent =
  | { type: "content"; chunk: string }
  | { type: "done"; chunk: "" }
  | { type: "error"; error: string; code?: string };

export const contentEvent = (chunk: string): StreamEvent => ({ chunk, type: "content" });
export const doneEvent = (): StreamEvent => ({ chunk: "", type: "done" });
export const errorEvent = (error: string, code?: string): StreamEvent => ({ error, type: "error", code });
