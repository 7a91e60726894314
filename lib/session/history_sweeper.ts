/**
 * Deletes what lapsed sessions kept. A session lives HISTORY_DAYS after its last visit (its
 * record expires by itself); its conversations never expire on their own — every part of one
 * lives as long as the conversation —, so the sweeper finds sessions whose time is up through
 * their index (`["history_expiry", expiresAt, id]`) and deletes every entry they kept. It runs on
 * every instance (at start, then hourly); running twice at once deletes nothing twice.
 */
import type { ConversationStore } from "./conversation_store.ts";
import type { Session } from "./sessions.ts";

/** Sessions swept per round at most: a backlog goes in several rounds. */
const PER_ROUND = 100;

/** Deletes what the sessions that lapsed before `now` kept; says how many were swept. */
export async function sweepLapsedSessions(
  kv: Deno.Kv,
  store: ConversationStore,
  now = Date.now(),
): Promise<number> {
  let swept = 0;
  for await (
    const entry of kv.list({ start: ["history_expiry"], end: ["history_expiry", now] }, { limit: PER_ROUND })
  ) {
    const sessionId = String(entry.key[2]);
    const session = (await kv.get<Session>(["session", sessionId])).value;
    // Still alive (it came back, and a newer entry names it): only this stale entry goes.
    if (!session || (session.expiresAt ?? 0) <= now) {
      await store.removeSession(sessionId);
      await kv.delete(["session", sessionId]);
      swept++;
    }
    await kv.delete(entry.key);
  }
  return swept;
}

/** Sweeps now and then every `everyMs`; the returned function stops it. */
export function startHistorySweeper(
  kv: Deno.Kv,
  store: ConversationStore,
  { everyMs = 60 * 60 * 1000, onError }: { everyMs?: number; onError?: (error: unknown) => void } = {},
): () => void {
  let running = false;
  const round = async () => {
    if (running) return;
    running = true;
    try {
      while ((await sweepLapsedSessions(kv, store)) === PER_ROUND) {
        // a backlog: another round at once
      }
    } catch (error) {
      onError?.(error);
    } finally {
      running = false;
    }
  };
  const first = setTimeout(round, 1000);
  const timer = setInterval(round, everyMs);
  Deno.unrefTimer(first);
  Deno.unrefTimer(timer);
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
