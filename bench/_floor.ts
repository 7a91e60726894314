import { upstreamProcess } from "./processes.ts";
import { cpuMs } from "./cpu.ts";
const upstream = await upstreamProcess(128, 10, "words");
const url = `${upstream.info.baseURL}/chat/completions`;
const body = JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] });
const readOnly = async () => {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const reader = r.body!.getReader();
  let n = 0;
  while (!(await reader.read()).done) n++;
  return n;
};
const lazy = async () => {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const reader = r.body!.getReader();
  let n = 0;
  while (true) {
    await new Promise((res) => setTimeout(res, 100));
    const x = await reader.read();
    if (x.done) break;
    n++;
  }
  return n;
};
for (
  const [name, fn] of [["read every chunk as it comes", readOnly], ["read every 100 ms", lazy], [
    "read every chunk as it comes",
    readOnly,
  ]] as const
) {
  for (let i = 0; i < 2; i++) await Promise.all(Array.from({ length: 8 }, fn));
  const before = cpuMs(Deno.pid);
  let reads = 0;
  for (let i = 0; i < 3; i++) {
    reads += (await Promise.all(Array.from({ length: 8 }, fn))).reduce((a, b) => a + b, 0);
  }
  console.log(
    name,
    ((cpuMs(Deno.pid) - before) / 24).toFixed(1),
    "ms per answer; reads per answer",
    reads / 24,
  );
}
await upstream.stop();
