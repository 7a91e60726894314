/**
 * The cost of a page load for a visitor at the session's bounds: every chat character and trivia
 * with a conversation at the turn limit, each answer 1,500 characters, and the rest of the
 * session's CONVERSATION_LIMIT conversations as stories on the shelf. The page renders the list and
 * each shelf's open conversation's last turns (earlier ones come on demand), so its size and cost
 * stay bounded however much is kept. Reported beside a bystander's page load (no history) measured
 * while a loop of reloads runs.
 */
import { CHARACTER_IDS } from "../lib/shared/contract.ts";
import {
  CONVERSATION_LIMIT,
  ConversationStore,
  newWriterToken,
  TURN_LIMIT,
} from "../lib/session/conversation_store.ts";
import { SessionStore } from "../lib/session/sessions.ts";
import { openKv } from "../lib/session/kv.ts";
import { cpuMs } from "./cpu_time.ts";
import { median } from "./relay.ts";
import { kabotanProcess } from "./processes.ts";

export interface PageLoadCost {
  conversations: number;
  turns: number;
  bytes: number;
  p50Ms: number;
  cpuMsPerLoad: number;
  bystanderAloneMs: number;
  bystanderDuringLoopMs: number;
}

async function fill(kvPath: string): Promise<string> {
  const kv = await openKv(kvPath);
  const session = await new SessionStore(kv).create({});
  const store = new ConversationStore(kv);
  const answer = "The moon rose over the castle, and the bats went out. ".repeat(28).slice(0, 1500);
  const shelves = [...CHARACTER_IDS.map((c) => `character-chat/${c}`), "trivia-bot"];
  for (const shelf of shelves) {
    for (let turn = 0; turn < TURN_LIMIT; turn++) {
      const { address } = await store.ask(session.id, { shelf, feature: shelf.split("/")[0] }, {
        content: `Question ${turn} for ${shelf}?`,
      }, { writer: newWriterToken() });
      await store.finish(address, { content: answer, incomplete: false });
    }
  }
  for (let story = shelves.length; story < CONVERSATION_LIMIT; story++) {
    const { address } = await store.ask(
      session.id,
      {
        shelf: "story-generator",
        feature: "story-generator",
        fresh: true,
        title: `Mina · room ${story}`,
      },
      { content: `A story about room ${story}` },
      { writer: newWriterToken() },
    );
    await store.finish(address, { content: answer, incomplete: false });
  }
  kv.close();
  return session.id;
}

export async function benchPageLoads(loads = 40): Promise<PageLoadCost> {
  const kvPath = await Deno.makeTempFile({ suffix: ".kv" });
  const session = await fill(kvPath);
  const app = await kabotanProcess("http://127.0.0.1:9/v1", { KV_PATH: kvPath, RATE_LIMIT_PAGES: "0" });
  const pid = app.info.pid as number;
  const cookie = { cookie: `kabotan_session=${session}` };
  const load = async (headers: Record<string, string> = cookie) => {
    const started = performance.now();
    const bytes = (await (await fetch(app.url, { headers })).arrayBuffer()).byteLength;
    return { ms: performance.now() - started, bytes };
  };
  try {
    await load();
    const before = cpuMs(pid);
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < loads; i++) {
      const result = await load();
      times.push(result.ms);
      bytes = result.bytes;
    }
    const cpuMsPerLoad = (cpuMs(pid) - before) / loads;
    const alone: number[] = [];
    for (let i = 0; i < 20; i++) alone.push((await load({})).ms);
    // Eight reload loops of the full-history page, and a bystander meanwhile.
    let looping = true;
    const loops = Array.from({ length: 8 }, async () => {
      while (looping) await load();
    });
    const during: number[] = [];
    for (let i = 0; i < 20; i++) during.push((await load({})).ms);
    looping = false;
    await Promise.all(loops);
    return {
      conversations: CONVERSATION_LIMIT,
      turns: TURN_LIMIT * (CHARACTER_IDS.length + 1) + CONVERSATION_LIMIT - (CHARACTER_IDS.length + 1),
      bytes,
      p50Ms: median(times),
      cpuMsPerLoad,
      bystanderAloneMs: median(alone),
      bystanderDuringLoopMs: median(during),
    };
  } finally {
    await app.stop();
    await Deno.remove(kvPath).catch(() => {});
  }
}

if (import.meta.main) console.log(await benchPageLoads());
