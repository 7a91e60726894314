/**
 * Many answers at once at a realistic pace, through Kabotan and through the reference relay: every
 * one must arrive whole; completion time is compared with a lone answer's through the same relay,
 * and each process's memory and open files are read from /proc before, at the peak, and after.
 */
import { LIMITS_ON } from "./cpu.ts";
import { kabotanProcess, referenceProcess, upstreamProcess } from "./processes.ts";
import { median, relayText, timeStream } from "./relay.ts";

const CHUNKS = 60;
const PACE_MS = 20; // 50 chunks a second per stream

function rssKiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(status.match(/VmRSS:\s+(\d+)/)![1]);
}

function openFiles(pid: number): number {
  return [...Deno.readDirSync(`/proc/${pid}/fd`)].length;
}

async function sessionCookie(base: string, client: Deno.HttpClient): Promise<string> {
  const response = await fetch(`${base}/api/set-language`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"language":"en"}',
    client,
  } as RequestInit);
  await response.body?.cancel();
  return response.headers.getSetCookie()[0].split(";")[0];
}

export interface LevelResult {
  streams: number;
  allExact: boolean;
  loneP50Ms: number;
  p50Ms: number;
  p95Ms: number;
  rssGrowthKiBPerStream: number;
  fdsBefore: number;
  fdsAfter: number;
}

export interface ConcurrencyResult {
  streams: number;
  kabotan: LevelResult;
  /** The plain relay (Hono streamSSE + the openai SDK) under the same load, from the same upstream. */
  reference: LevelResult;
}

interface Relay {
  pid: number;
  url: string;
  /** What a simulated browser sends (Kabotan: its session's cookie). */
  prepare(client: Deno.HttpClient): Promise<RequestInit>;
}

async function lonePace(relay: Relay): Promise<number> {
  const lone: number[] = [];
  const client = Deno.createHttpClient({});
  for (let i = 0; i < 5; i++) {
    lone.push(
      (await timeStream(relay.url, { ...(await relay.prepare(client)), client } as RequestInit, relayText))
        .totalMs,
    );
  }
  client.close();
  return median(lone);
}

async function level(
  relay: Relay,
  streams: number,
  loneP50Ms: number,
  expected: number,
): Promise<LevelResult> {
  await new Promise((r) => setTimeout(r, 500));
  const fdsBefore = openFiles(relay.pid);
  const rssBefore = rssKiB(relay.pid);
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(relay.pid))), 50);
  // The client keeps no idle connection: what stays open on the server afterwards is the server's own.
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  const inits = await Promise.all(Array.from({ length: streams }, () => relay.prepare(client)));
  const timings = await Promise.all(
    inits.map((init) => timeStream(relay.url, { ...init, client } as RequestInit, relayText)),
  );
  client.close();
  clearInterval(sampler);
  await new Promise((r) => setTimeout(r, 1000));
  const totals = timings.map((t) => t.totalMs).sort((a, b) => a - b);
  return {
    streams,
    allExact: timings.every((t) => t.length === expected),
    loneP50Ms,
    p50Ms: median(totals),
    p95Ms: totals[Math.floor(totals.length * 0.95)],
    rssGrowthKiBPerStream: (peak - rssBefore) / streams,
    fdsBefore,
    fdsAfter: openFiles(relay.pid),
  };
}

/**
 * Each level runs through Kabotan (each simulated browser with its session, as a real one has
 * after its first visit) and then through the reference relay, from the same paced upstream.
 * `drainMs`: after the last level, how long to wait before counting Kabotan's open files again,
 * so that its idle connections to the upstream (a keep-alive pool) have timed out: what is left
 * then would be a leak. Returned as `fdsAtStart` and `fdsDrained`.
 */
export async function benchConcurrency(
  levels: number[],
  drainMs = 0,
): Promise<{ levels: ConcurrencyResult[]; fdsAtStart: number; fdsDrained?: number }> {
  const upstream = await upstreamProcess(CHUNKS, PACE_MS);
  const baseURL = String(upstream.info.baseURL);
  // As it runs in production: a session, its history, and the fleet's limits on (set high enough to refuse nothing).
  const kabotan = await kabotanProcess(baseURL, LIMITS_ON);
  const reference = await referenceProcess(baseURL);
  const relays: Record<"kabotan" | "reference", Relay> = {
    kabotan: {
      pid: Number(kabotan.info.pid),
      url: `${kabotan.url}/api/character-chat-stream?character=dracula&message=hi`,
      prepare: async (client) => ({ headers: { cookie: await sessionCookie(kabotan.url, client) } }),
    },
    reference: {
      pid: Number(reference.info.pid),
      url: `http://127.0.0.1:${reference.info.port}/stream?message=hi`,
      prepare: () => Promise.resolve({}),
    },
  };
  const expected = Array.from({ length: CHUNKS }, (_, i) => `w${i} `).join("").length;
  const results: ConcurrencyResult[] = [];
  const fdsAtStart = openFiles(relays.kabotan.pid);
  let fdsDrained: number | undefined;
  try {
    const lone = { kabotan: await lonePace(relays.kabotan), reference: await lonePace(relays.reference) };
    for (const streams of levels) {
      results.push({
        streams,
        kabotan: await level(relays.kabotan, streams, lone.kabotan, expected),
        reference: await level(relays.reference, streams, lone.reference, expected),
      });
    }
    if (drainMs > 0) {
      await new Promise((r) => setTimeout(r, drainMs));
      fdsDrained = openFiles(relays.kabotan.pid);
    }
  } finally {
    await kabotan.stop();
    await reference.stop();
    await upstream.stop();
  }
  return { levels: results, fdsAtStart, fdsDrained };
}

if (import.meta.main) {
  // `deno run -A bench/concurrency.ts [streams…]`
  const levels = Deno.args.length > 0 ? Deno.args.map(Number) : [100, 500];
  console.log(JSON.stringify(await benchConcurrency(levels, 0), null, 2));
}
