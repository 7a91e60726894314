/**
 * What is sent keeps within the model's context: the system prompt and the question always, then
 * the newest earlier turns that fit beside the room the answer needs, whole turns only (so the
 * messages still alternate); `max_tokens` is lowered to what is left when that is less than the
 * feature's budget. When even the system prompt, the question and a short answer cannot fit, the
 * conversation is too long for this model: `context_full`. An answer being continued keeps its
 * newest part when all of it cannot fit.
 */
import { contextFullError } from "../llm/errors.ts";
import type { ChatMessage } from "../llm/types.ts";

export interface Fitted {
  /** The earlier messages that fit, oldest first. */
  history: ChatMessage[];
  maxTokens: number;
  /** Earlier messages left out for room (0 when all fit). */
  dropped: number;
}

/** The least room an answer gets: below it, the conversation no longer fits. */
export const MIN_ANSWER_TOKENS = 128;

export async function fitContext(
  { system, history, user, maxTokens }: {
    system: string;
    history: ChatMessage[];
    user: string;
    maxTokens: number;
  },
  window: number | undefined,
  count: (text: string) => Promise<number>,
): Promise<Fitted> {
  if (window === undefined) return { history, maxTokens, dropped: 0 };
  const minAnswer = Math.min(maxTokens, MIN_ANSWER_TOKENS);
  const fixed = await count(system) + await count(user);
  if (fixed + minAnswer > window) {
    throw contextFullError(`the system prompt and the question take ${fixed} of ${window} tokens`);
  }
  // The room an answer is given before earlier turns: its budget, up to a quarter of the window.
  const room = Math.min(maxTokens, Math.max(minAnswer, Math.floor(window / 4)));
  const budget = window - fixed - room;
  const turns = pairsFromTheEnd(history);
  const kept: ChatMessage[][] = [];
  let used = 0;
  for (const turn of turns) {
    let cost = 0;
    for (const message of turn) cost += await count(message.content);
    if (used + cost > budget) {
      // The answer being continued is the one turn worth cutting rather than leaving out.
      if (kept.length === 0 && turn.at(-1)?.role === "assistant" && history.at(-1) === turn.at(-1)) {
        const cut = await tail(turn, budget - used, count);
        if (cut) {
          kept.push(cut.turn);
          used += cut.cost;
        }
      }
      break;
    }
    kept.push(turn);
    used += cost;
  }
  const fitted = kept.reverse().flat();
  return {
    history: fitted,
    maxTokens: Math.max(minAnswer, Math.min(maxTokens, window - fixed - used)),
    dropped: history.length - fitted.length,
  };
}

/** Earlier messages as whole turns, newest first: a question with its answer (or an answer alone at the start). */
function pairsFromTheEnd(history: ChatMessage[]): ChatMessage[][] {
  const turns: ChatMessage[][] = [];
  for (let end = history.length; end > 0;) {
    const start = end >= 2 && history[end - 1].role === "assistant" && history[end - 2].role === "user"
      ? end - 2
      : end - 1;
    turns.push(history.slice(start, end));
    end = start;
  }
  return turns;
}

/** The turn with its answer cut to its newest part, to fit `room` tokens; undefined when even that cannot. */
async function tail(
  turn: ChatMessage[],
  room: number,
  count: (text: string) => Promise<number>,
): Promise<{ turn: ChatMessage[]; cost: number } | undefined> {
  const [question, answer] = turn.length === 2 ? turn : [undefined, turn[0]];
  const questionCost = question ? await count(question.content) : 0;
  let text = answer.content;
  for (let attempt = 0; attempt < 4 && text.length > 0; attempt++) {
    const cost = questionCost + await count(`…${text}`);
    if (cost <= room) {
      const cut = { role: "assistant" as const, content: `…${text}` };
      return { turn: question ? [question, cut] : [cut], cost };
    }
    text = text.slice(Math.ceil(text.length * (1 - (room - questionCost) / cost * 0.9)));
  }
  return undefined;
}
