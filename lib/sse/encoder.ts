/** One Server-Sent Event, or a comment when only `comment` is set. */
export interface SseMessage {
  id?: string | number;
  event?: string;
  data?: string;
  retry?: number;
  comment?: string;
}

const NEWLINE = /[\r\n]/;

/** Serialises one message to its wire form; refuses fields that would break the framing. */
export function encodeSseMessage(message: SseMessage): string {
  let out = "";
  if (message.comment !== undefined) {
    if (NEWLINE.test(message.comment)) throw new TypeError("SSE comment must not contain a newline");
    out += `: ${message.comment}\n`;
  }
  if (message.retry !== undefined) {
    if (!Number.isInteger(message.retry) || message.retry < 0) {
      throw new TypeError("SSE retry must be a whole number of milliseconds");
    }
    out += `retry: ${message.retry}\n`;
  }
  if (message.id !== undefined) {
    const id = String(message.id);
    if (NEWLINE.test(id) || id.includes("\0")) throw new TypeError("SSE id must not contain a newline");
    out += `id: ${id}\n`;
  }
  if (message.event !== undefined) {
    if (NEWLINE.test(message.event)) throw new TypeError("SSE event must not contain a newline");
    out += `event: ${message.event}\n`;
  }
  if (message.data !== undefined) {
    for (const line of message.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  }
  return out + "\n";
}

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};
