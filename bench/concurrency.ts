/**
 * Many answers at once at a realistic pace: every one must arrive whole; completion time is
 * compared with a lone answer's, and the Kabotan process's memory and open files are read from
 * /proc before, at the peak, and after.
 */
import { kabotanProcess, upstreamProcess } from "./processes.ts";
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

export interface ConcurrencyResult {
  streams: number;
  allExact: boolean;
  loneP50Ms: number;
  p50Ms: number;
  p95Ms: number;
  rssGrowthKiBPerStream: number;
  fdsBefore: number;
  fdsAfter: number;
}

/**
 * `drainMs`: after the last level, how long to wait before counting open files again, so that the
 * server's idle connections to the upstream (a keep-alive pool) have timed out: what is left then
 * would be a leak. Returned as `fdsAtStart` and `fdsDrained`.
 */
export async function benchConcurrency(
  levels: number[],
  drainMs = 0,
): Promise<{ levels: ConcurrencyResult[]; fdsAtStart: number; fdsDrained?: number }> {
  const upstream = await upstreamProcess(CHUNKS, PACE_MS);
  const kabotan = await kabotanProcess(String(upstream.info.baseURL));
  const pid = Number(kabotan.info.pid);
  const url = `${kabotan.url}/api/character-chat-stream?character=dracula&message=hi`;
  const expected = Array.from({ length: CHUNKS }, (_, i) => `w${i} `).join("").length;
  const results: ConcurrencyResult[] = [];
  const fdsAtStart = openFiles(pid);
  let fdsDrained: number | undefined;
  try {
    const lone: number[] = [];
    for (let i = 0; i < 5; i++) lone.push((await timeStream(url, {}, relayText)).totalMs);
    const loneP50Ms = median(lone);
    for (const streams of levels) {
      await new Promise((r) => setTimeout(r, 500));
      const fdsBefore = openFiles(pid);
      const rssBefore = rssKiB(pid);
      let peak = rssBefore;
      const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(pid))), 50);
      // Each simulated browser has its session, as a real one does after its first visit. The client
      // keeps no idle connection: what stays open on the server afterwards is the server's own.
      const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
      const cookies = await Promise.all(
        Array.from({ length: streams }, () => sessionCookie(kabotan.url, client)),
      );
      const timings = await Promise.all(
        cookies.map((cookie) => timeStream(url, { headers: { cookie }, client } as RequestInit, relayText)),
      );
      client.close();
      clearInterval(sampler);
      await new Promise((r) => setTimeout(r, 1000));
      const totals = timings.map((t) => t.totalMs).sort((a, b) => a - b);
      results.push({
        streams,
        allExact: timings.every((t) => t.length === expected),
        loneP50Ms,
        p50Ms: median(totals),
        p95Ms: totals[Math.floor(totals.length * 0.95)],
        rssGrowthKiBPerStream: (peak - rssBefore) / streams,
        fdsBefore,
        fdsAfter: openFiles(pid),
      });
    }
    if (drainMs > 0) {
      await new Promise((r) => setTimeout(r, drainMs));
      fdsDrained = openFiles(pid);
    }
  } finally {
    await kabotan.stop();
    await upstream.stop();
  }
  return { levels: results, fdsAtStart, fdsDrained };
}

if (import.meta.main) {
  console.log(JSON.stringify(await benchConcurrency([100, 500], 40_000), null, 2));
}
