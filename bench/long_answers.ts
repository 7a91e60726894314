/**
 * Memory during long answers at once: N answers of 1,600 deltas each, through Kabotan and through
 * the reference relay, each in its own process fed by the same scripted upstream. The peak RSS
 * growth of each process is read from /proc while the answers run, per answer, beside the size
 * of an answer's text.
 */
import { kabotanProcess, referenceProcess, upstreamProcess } from "./processes.ts";
import { relayText, timeStream } from "./relay.ts";

const DELTAS = 1600;
const PACE_MS = 5;

function rssKiB(pid: number): number {
  return Number(Deno.readTextFileSync(`/proc/${pid}/status`).match(/VmRSS:\s+(\d+)/)![1]);
}

async function peakGrowthKiB(pid: number, run: () => Promise<unknown>): Promise<number> {
  await new Promise((r) => setTimeout(r, 300));
  const before = rssKiB(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(pid))), 50);
  try {
    await run();
  } finally {
    clearInterval(sampler);
  }
  return peak - before;
}

export interface LongAnswersResult {
  answers: number;
  deltas: number;
  textKiB: number;
  allExact: boolean;
  kabotanKiBPerAnswer: number;
  referenceKiBPerAnswer: number;
}

export async function benchLongAnswers(answers = 30): Promise<LongAnswersResult> {
  const upstream = await upstreamProcess(DELTAS, PACE_MS);
  const baseURL = String(upstream.info.baseURL);
  const kabotan = await kabotanProcess(baseURL);
  const reference = await referenceProcess(baseURL);
  const expected = Array.from({ length: DELTAS }, (_, i) => `w${i} `).join("").length;
  try {
    const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
    const many = (url: string) =>
      Promise.all(
        Array.from({ length: answers }, () => timeStream(url, { client } as RequestInit, relayText)),
      );
    let lengths: number[] = [];
    const kabotanGrowth = await peakGrowthKiB(Number(kabotan.info.pid), async () => {
      lengths = (await many(`${kabotan.url}/api/story-generator-stream?name=Mina&theme=fog`)).map((t) =>
        t.length
      );
    });
    const referenceGrowth = await peakGrowthKiB(
      Number(reference.info.pid),
      () => many(`http://127.0.0.1:${reference.info.port}/stream?message=hi`),
    );
    client.close();
    return {
      answers,
      deltas: DELTAS,
      textKiB: expected / 1024,
      allExact: lengths.every((length) => length === expected),
      kabotanKiBPerAnswer: kabotanGrowth / answers,
      referenceKiBPerAnswer: referenceGrowth / answers,
    };
  } finally {
    await kabotan.stop();
    await reference.stop();
    await upstream.stop();
  }
}

if (import.meta.main) console.log(JSON.stringify(await benchLongAnswers(), null, 2));
