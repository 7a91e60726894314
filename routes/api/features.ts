/**
 * One generic handler for every feature: `POST /api/{feature}` (JSON, or SSE when asked for),
 * `GET|POST /api/{feature}-stream` (SSE). It runs the answer's named stages in order:
 * read the request → attach to the answer, or take a slot and claim its id → open the turn →
 * answer as JSON or as a stream. Each early exit is a thrown ApiError (rendered by app.onError),
 * and whatever a stage took — the slot, the claim — is held by the scope (`using`) until the
 * answer takes it over, so no way out can leak it.
 */
import { type Context, Hono } from "hono";
import { attach, claim, type Reader } from "../../lib/answers/attach.ts";
import { readAnswerRequest } from "../../lib/answers/request.ts";
import { answerAsJson, answerAsStream, type AnswerDeps } from "../../lib/answers/respond.ts";
import { openRequestedTurn } from "../../lib/answers/turn.ts";
import { ApiError } from "../../lib/http/api_error.ts";
import { clientAddress } from "../../lib/http/client_address.ts";
import type { AppEnv } from "../../lib/http/env.ts";
import type { FleetLimits } from "../../lib/http/fleet_limits.ts";
import type { Feature } from "../../lib/features/feature.ts";
import type { ConversationStore } from "../../lib/session/conversation_store.ts";
import { requestFingerprint } from "../../lib/streams/request_key.ts";

export interface FeatureApiDeps extends AnswerDeps {
  features: ReadonlyMap<string, Feature>;
  store: ConversationStore;
  limits: FleetLimits;
  bodyTimeoutMs: number;
  rolloutPercent: number;
  trustProxy: boolean;
}

export function featureApi(deps: FeatureApiDeps): Hono<AppEnv> {
  const { streams, store, limits } = deps;
  return new Hono<AppEnv>().on(["GET", "POST"], "/:endpoint", async (c) => {
    const response = await answer(c);
    // Through the context, so that headers middleware prepared (the request id) come along.
    return c.newResponse(response.body, response);
  });

  async function answer(c: Context<AppEnv>): Promise<Response> {
    const request = await readAnswerRequest(c, deps);
    const sessionAccess = c.get("sessionAccess");
    const id = request.answerId;
    // An EventSource comes back by itself after `done`, with Last-Event-ID: without a
    // request_id there is nothing to resume, and the model must not be asked again.
    if (request.delivery === "events" && !id && request.lastEventId > 0) {
      return new Response(null, { status: 204 });
    }

    const reader: Reader = {
      owner: sessionAccess.current()?.id,
      fingerprint: id ? await requestFingerprint(request.feature.name, request.raw) : undefined,
      lastEventId: request.lastEventId,
      keepAliveMs: deps.keepAliveMs,
    };
    if (id) {
      const attached = await attach(streams, id, reader);
      if (attached) return attached;
    }

    // Shutting down: the answer is asked of another instance (a balancer passes a 503 on).
    if (streams.draining) {
      throw new ApiError(503, "this server is restarting: ask again in a moment", {
        code: "shutdown",
        headers: { "retry-after": "1" },
      });
    }
    const address = clientAddress(c, deps.trustProxy);
    using slot = await limits.take(sessionAccess.id(), address);
    // A client that sends its own conversation keeps it itself; otherwise the session keeps it.
    // The session's record (a new visitor's) is written while the answer begins: its history's
    // first write waits for it, the model request does not.
    const session = request.turn.clientHistory && !id ? undefined : sessionAccess.begin();
    const claimed = id && session
      ? await claim(streams, id, {
        sessionId: session.id,
        fingerprint: reader.fingerprint!,
        feature: request.feature.name,
        shelf: request.turn.shelf,
        ...(request.conversationId ? { conversationId: request.conversationId } : {}),
      }, { ...reader, owner: session.id })
      : undefined;
    if (claimed instanceof Response) return claimed; // another request started it first: read that
    await using held = claimed;

    const turn = await openRequestedTurn(store, session?.id, request, {
      // The answer id, when there is one, is the token that lets this answer's writer end it.
      writer: id ?? crypto.randomUUID(),
      // A resumable answer is saved only while its log says it runs (not ended as an orphan).
      fence: claimed ? streams.eventLog.fenceFor(id!) : undefined,
      sessionWritten: session?.written,
    });
    const asker = {
      traceId: c.get("traceId"),
      clientTraceId: c.get("clientTraceId"),
      signal: c.req.raw.signal,
      address,
    };
    if (request.delivery === "json") return await answerAsJson(deps, request, turn, asker);
    const response = await answerAsStream(deps, request, turn, asker, slot.handOver());
    held?.handOver();
    return response;
  }
}
