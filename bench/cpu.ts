/**
 * Server CPU per answer, read from the kernel (/proc/<pid>/stat: user + system time of every
 * thread), for Kabotan and the reference relay side by side, fed by the same scripted upstream:
 * a paced chat answer (deltas 10 ms apart, as a model writes them) asked with a session, the same
 * answer resumable (with a request_id), and a burst (every delta in one network read).
 */
import { CookieJar } from "../tests/support/cookie_jar.ts";
import { cpuMs } from "./cpu_time.ts";
import { kabotanProcess, referenceProcess, spawnJson, upstreamProcess } from "./processes.ts";
import { median, relayText, timeStream } from "./relay.ts";

const ROUNDS = 5;

export interface CpuRow {
  name: string;
  deltas: number;
  answers: number;
  kabotanMs: number;
  referenceMs: number;
  /**
   * The floor under any relay on this runtime: this process only reading the same answer from the
   * upstream with fetch (every chunk, as it comes) and relaying nothing.
   */
  readOnlyMs: number;
  /** Kabotan's relay pipeline alone behind a bare Deno.serve (bench/pipeline_server.ts). */
  pipelineMs: number;
  /** Kabotan's exact text in every answer. */
  exact: boolean;
  /** Kabotan as it is served and limited: per answer, by variant (the first is kabotanMs). */
  variants: Array<{ label: string; ms: number }>;
}

/** How Kabotan is run for a row: behind its connection gate or on Deno.serve, limits on or off. */
export interface Variant {
  label: string;
  env: Record<string, string>;
}

/**
 * The limits on, set so high that no answer of the benchmark is refused: their cost, not their
 * refusals. Answers at once are capped per session (each simulated browser has its own); the cap per
 * address is off, since every answer here comes from one address, 2,000 at once (at most 1,000 can
 * be capped per key).
 */
export const LIMITS_ON = {
  RATE_LIMIT_SESSION: "100000",
  RATE_LIMIT_IP: "1000000",
  MAX_CONCURRENT_STREAMS: "1000",
  MAX_CONCURRENT_STREAMS_PER_IP: "0",
};

/** Gated (bare) and direct (TRUST_PROXY, behind a proxy) with the fleet's limits on, and direct without them. */
export const SERVING_VARIANTS: Variant[] = [
  { label: "gated, limits on", env: LIMITS_ON },
  { label: "direct, limits on", env: { ...LIMITS_ON, TRUST_PROXY: "true" } },
  { label: "direct, limits off", env: { TRUST_PROXY: "true" } },
];

/** Runs `answers` answers, `parallel` at a time, and returns the CPU the process spent per answer. */
async function perAnswer(
  pid: number,
  answers: number,
  parallel: number,
  ask: () => Promise<number>,
  expected: number,
) {
  let exact = true;
  const before = cpuMs(pid);
  for (let done = 0; done < answers; done += parallel) {
    const lengths = await Promise.all(Array.from({ length: Math.min(parallel, answers - done) }, ask));
    exact &&= lengths.every((length) => length === expected);
  }
  return { ms: (cpuMs(pid) - before) / answers, exact };
}

export async function compare(
  name: string,
  deltas: number,
  delayMs: number,
  shape: "words" | "burst",
  { answers, parallel, resumable = false, env = {}, variants = [{ label: "Kabotan", env: {} }] }: {
    answers: number;
    parallel: number;
    resumable?: boolean;
    env?: Record<string, string>;
    variants?: Variant[];
  },
): Promise<CpuRow> {
  const upstream = await upstreamProcess(deltas, delayMs, shape);
  const baseURL = String(upstream.info.baseURL);
  const kabotans = [];
  for (const variant of variants) kabotans.push(await kabotanProcess(baseURL, { ...env, ...variant.env }));
  const reference = await referenceProcess(baseURL);
  const pipeline = await spawnJson(["run", "-A", "bench/pipeline_server.ts", baseURL]);
  const expected = Array.from({ length: deltas }, (_, i) => `w${i} `).join("").length;
  try {
    // One session for every Kabotan answer, as a person's browser has: its history is written.
    const askers = [];
    for (const kabotan of kabotans) {
      const jar = new CookieJar(fetch);
      await jar.fetch(`${kabotan.url}/`).then((r) => r.body?.cancel());
      askers.push(async () => {
        const started = await jar.post(`${kabotan.url}/api/character-chat-stream`, {
          character: "dracula",
          message: "hi",
          ...(resumable ? { request_id: crypto.randomUUID() } : {}),
        });
        let length = 0;
        const reader = started.body!.pipeThrough(new TextDecoderStream()).getReader();
        let text = "";
        while (true) {
          const { done, value } = await reader.read();
          if (done) break;
          text += value;
        }
        for (const block of text.split("\n\n")) {
          const data = block.split("\n").find((line) => line.startsWith("data: "));
          if (data) length += relayText(data.slice(6)).length;
        }
        return length;
      });
    }
    const askReference = async () =>
      (await timeStream(`http://127.0.0.1:${reference.info.port}/stream?message=hi`, {}, relayText)).length;
    const askPipeline = async () =>
      (await timeStream(`http://127.0.0.1:${pipeline.info.port}/`, {}, relayText)).length;
    // Warm both up (JIT, connection pools), then measure in alternating rounds (the machine's
    // load drifts: each round puts both relays under the same), and take the median round.
    const referencePid = reference.info.pid as number;
    for (const [i, kabotan] of kabotans.entries()) {
      await perAnswer(kabotan.info.pid as number, parallel * 2, parallel, askers[i], expected);
    }
    await perAnswer(referencePid, parallel * 2, parallel, askReference, expected);
    const rounds = {
      kabotan: kabotans.map(() => [] as number[]),
      reference: [] as number[],
      pipeline: [] as number[],
    };
    await perAnswer(pipeline.info.pid as number, parallel * 2, parallel, askPipeline, expected);
    let exact = true;
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, kabotan] of kabotans.entries()) {
        const k = await perAnswer(kabotan.info.pid as number, answers, parallel, askers[i], expected);
        rounds.kabotan[i].push(k.ms);
        exact &&= k.exact;
      }
      const r = await perAnswer(referencePid, answers, parallel, askReference, expected);
      rounds.reference.push(r.ms);
      rounds.pipeline.push(
        (await perAnswer(pipeline.info.pid as number, answers, parallel, askPipeline, expected)).ms,
      );
    }
    const k = { ms: median(rounds.kabotan[0]) };
    const r = { ms: median(rounds.reference) };
    // The floor: a process of its own that only reads the same answers from the upstream.
    const floor = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "bench/read_only.ts", baseURL, String(answers), String(parallel), String(ROUNDS)],
      stderr: "inherit",
    }).output();
    const readOnlyMs = JSON.parse(new TextDecoder().decode(floor.stdout)).ms as number;
    return {
      name,
      deltas,
      answers: answers * ROUNDS,
      kabotanMs: k.ms,
      referenceMs: r.ms,
      readOnlyMs,
      pipelineMs: median(rounds.pipeline),
      exact,
      variants: variants.map(({ label }, i) => ({ label, ms: median(rounds.kabotan[i]) })),
    };
  } finally {
    for (const kabotan of kabotans) await kabotan.stop();
    await reference.stop();
    await pipeline.stop();
    await upstream.stop();
  }
}

export async function benchCpu(env: Record<string, string> = {}): Promise<CpuRow[]> {
  return [
    await compare("paced chat answer, with a session", 128, 10, "words", {
      answers: 24,
      parallel: 8,
      env,
      variants: SERVING_VARIANTS,
    }),
    await compare("the same, resumable (request_id)", 128, 10, "words", {
      answers: 24,
      parallel: 8,
      resumable: true,
      env,
    }),
    await compare("burst: every delta in one network read", 5200, 0, "burst", {
      answers: 24,
      parallel: 4,
      env,
    }),
  ];
}

if (import.meta.main) {
  // `deno run -A bench/cpu.ts [paced] [NAME=value…]`: the environment is Kabotan's; "paced" runs the first row only.
  const env = Object.fromEntries(
    Deno.args.filter((arg) => arg.includes("=")).map((arg) => arg.split("=", 2)),
  );
  const rows = Deno.args.includes("paced")
    ? [
      await compare("paced chat answer, with a session", 128, 10, "words", {
        answers: 24,
        parallel: 8,
        env,
        variants: SERVING_VARIANTS,
      }),
    ]
    : await benchCpu(env);
  for (const row of rows) {
    console.log(
      `${row.name}: Kabotan ${row.kabotanMs.toFixed(1)} ms, reference ${
        row.referenceMs.toFixed(1)
      } ms per answer ` +
        `(${(row.kabotanMs / row.referenceMs).toFixed(2)}×); per delta ${
          (row.kabotanMs * 1000 / row.deltas).toFixed(1)
        } µs vs ` +
        `${(row.referenceMs * 1000 / row.deltas).toFixed(1)} µs; exact ${row.exact}; reading alone ${
          row.readOnlyMs.toFixed(1)
        } ms; the pipeline alone ${row.pipelineMs.toFixed(1)} ms; ` +
        row.variants.map((v) => `${v.label} ${v.ms.toFixed(1)} ms (${(v.ms / row.referenceMs).toFixed(2)}×)`)
          .join(", "),
    );
  }
}
