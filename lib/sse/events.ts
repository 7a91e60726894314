/** The SSE stream's events: defined by the contract both sides share. */
export { contentEvent, doneEvent, errorEvent, reasoningEvent, type StreamEvent } from "../contract.ts";
