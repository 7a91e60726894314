/**
 * Answers that outlive their instance. An instance shutting down hands each answer it still runs
 * over (`AnswerRun.handOver`): its text so far is saved, its events are all in the log, and the
 * log keeps the recipe written here — the request's inputs and where the answer is kept. Another
 * instance takes it up: it goes on from that text (a Continue of the same turn, by the same
 * writer), writing after the events the readers already have, so they read one answer and the
 * history keeps it whole. An answer with no text yet is asked again as it was first asked.
 */
import type { Feature } from "../features/feature.ts";
import type { FleetLimits } from "../http/fleet_limits.ts";
import type { Language } from "../shared/contract.ts";
import type { ConversationStore } from "../session/conversation_store.ts";
import type { HandoverRecipe } from "../streams/event_log.ts";
import type { AnswerRequest } from "./request.ts";
import { answerAsStream, type AnswerDeps } from "./respond.ts";
import { type AnswerPlace, openRequestedTurn } from "./turn.ts";

/** How an answer is gone on with elsewhere: as it was asked, and where it is kept. */
interface Recipe {
  feature: string;
  raw: Record<string, unknown>;
  language: Language;
  incremental: boolean;
  /** The asker's address: the answer keeps its slot under the limits where it goes on. */
  address: string;
  conversationId: string;
  turnId: string;
  /** How it was first asked, for an answer that had no text yet (asked again the same way). */
  asked: { continuing: boolean; regenerating: boolean; editing: boolean; turnId?: string };
}

/** The recipe for a resumable answer (`place`: where its turn is stored). */
export function recipeOf(request: AnswerRequest, place: AnswerPlace, address: string): HandoverRecipe {
  const recipe: Recipe = {
    feature: request.feature.name,
    raw: request.raw,
    language: request.language,
    incremental: request.incremental,
    address,
    conversationId: place.conversationId,
    turnId: place.turnId,
    asked: {
      continuing: request.continuing,
      regenerating: request.regenerating,
      editing: request.editing,
      ...(request.turnId ? { turnId: request.turnId } : {}),
    },
  };
  return { ...recipe };
}

export interface TakeUpDeps extends AnswerDeps {
  features: ReadonlyMap<string, Feature>;
  store: ConversationStore;
  limits: FleetLimits;
}

/** Takes up a handed-over answer, unless another instance did first. */
export async function takeUpAnswer(deps: TakeUpDeps, id: string): Promise<void> {
  const taken = await deps.streams.eventLog.takeOver(id);
  if (!taken) return;
  const recipe = taken.recipe as unknown as Recipe;
  const sessionId = taken.meta.sessionId;
  deps.logger("info", "took up an answer handed over by an instance shutting down", {
    feature: recipe.feature,
    events: taken.events.length,
  });
  try {
    const feature = deps.features.get(recipe.feature);
    const prepared = feature?.prepare(recipe.raw, recipe.language);
    if (!feature || !prepared?.ok) throw new Error(`cannot go on with a ${recipe.feature} answer here`);
    // It runs already: its slot under the limits goes on with it, not counted again.
    using slot = await deps.limits.take(sessionId, recipe.address, { running: true });
    const goOn = recipe.asked.continuing || taken.events.some(({ event }) => event.type === "content");
    const request: AnswerRequest = {
      feature,
      raw: recipe.raw,
      language: recipe.language,
      turn: prepared.value,
      delivery: "events",
      incremental: recipe.incremental,
      answerId: id,
      lastEventId: 0,
      continuing: goOn,
      regenerating: !goOn && recipe.asked.regenerating,
      editing: !goOn && recipe.asked.editing,
      turnId: goOn ? recipe.turnId : recipe.asked.turnId,
      conversationId: recipe.conversationId,
    };
    const turn = await openRequestedTurn(deps.store, sessionId, request, {
      writer: id,
      fence: deps.streams.eventLog.fenceFor(id),
    });
    const asker = {
      traceId: crypto.randomUUID(),
      signal: new AbortController().signal,
      address: recipe.address,
    };
    await answerAsStream(deps, request, turn, asker, slot.handOver(), taken.events);
  } catch (error) {
    // It cannot go on: its readers hear why after what they have; its text so far is kept.
    const failing = new ReadableStream({ start: (controller) => controller.error(error) });
    await deps.streams.launch(id, failing, { after: taken.events });
  }
}
