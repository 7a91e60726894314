/**
 * The page's one way to the server: the only code that knows the API's paths, and the one
 * `fetch` seam (tests pass their own).
 */
import { apiPaths } from "../shared/contract.ts";

export interface Transport {
  /** Starts a streamed answer: `POST /api/{feature}-stream`. */
  startStream(feature: string, body: Record<string, unknown>, signal: AbortSignal): Promise<Response>;
  /** Reads a resumable answer after `lastEventId`: `GET /api/streams/{id}`. */
  resumeStream(requestId: string, lastEventId: number, signal: AbortSignal): Promise<Response>;
  /** Asks the server to stop an answer wherever it runs (survives the page going away). */
  stopStream(requestId: string): void;
  /** The whole answer as JSON: `POST /api/{feature}`. */
  complete(feature: string, body: Record<string, unknown>, signal: AbortSignal): Promise<Response>;
  /** Forgets a feature's conversations on the server, or only one of them. */
  clearHistory(feature: string, conversation?: string): Promise<void>;
  setLanguage(language: string): Promise<void>;
  /** Whether the model server can be reached, as `/api/health` says (true when unsure). */
  modelReachable(): Promise<boolean>;
}

export function httpTransport(fetcher: typeof fetch = (input, init) => fetch(input, init)): Transport {
  const json = (body: unknown) => ({
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  return {
    startStream: (feature, body, signal) =>
      fetcher(apiPaths.stream(feature), {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify(body),
        signal,
      }),
    resumeStream: (requestId, lastEventId, signal) =>
      fetcher(apiPaths.resume(requestId), {
        headers: { accept: "text/event-stream", "last-event-id": String(lastEventId) },
        signal,
      }),
    stopStream(requestId) {
      void fetcher(apiPaths.stop(requestId), { method: "POST", keepalive: true }).catch(() => {});
    },
    complete: (feature, body, signal) => fetcher(apiPaths.complete(feature), { ...json(body), signal }),
    async clearHistory(feature, conversation) {
      // keepalive: it may be sent as the page goes away (the end of an Undo window).
      await fetcher(apiPaths.history(feature, conversation), { method: "DELETE", keepalive: true }).catch(
        () => {},
      );
    },
    async modelReachable() {
      try {
        const health = await (await fetcher(apiPaths.health)).json() as { llm?: { reachable?: boolean } };
        return health.llm?.reachable !== false;
      } catch {
        return true; // the page itself answered: say nothing rather than guess
      }
    },
    async setLanguage(language) {
      await fetcher(apiPaths.language, json({ language })).catch(() => {});
    },
  };
}
