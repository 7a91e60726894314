/**
 * The floor under any relay on this runtime: a process that only reads answers from the upstream
 * with fetch (every chunk, as it comes) and relays nothing. Prints its own CPU per answer (median
 * of the rounds) as JSON. `deno run -A bench/read_only.ts BASE_URL ANSWERS PARALLEL ROUNDS`
 */
import { cpuMs } from "./cpu_time.ts";

const [baseURL, answers = "24", parallel = "8", rounds = "5"] = Deno.args;
const body = JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] });

async function readOne(): Promise<void> {
  const response = await fetch(`${baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  const reader = response.body!.getReader();
  while (!(await reader.read()).done);
}

async function round(count: number): Promise<number> {
  const before = cpuMs(Deno.pid);
  for (let done = 0; done < count; done += Number(parallel)) {
    await Promise.all(Array.from({ length: Math.min(Number(parallel), count - done) }, readOne));
  }
  return (cpuMs(Deno.pid) - before) / count;
}

await round(Number(parallel) * 2); // warm up
const perRound: number[] = [];
for (let i = 0; i < Number(rounds); i++) perRound.push(await round(Number(answers)));
perRound.sort((a, b) => a - b);
console.log(JSON.stringify({ ms: perRound[Math.floor(perRound.length / 2)] }));
