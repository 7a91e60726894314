/** `deno task bench`: prints each measurement side by side with its baseline, as ratios. */
import { benchFirstChunk, benchRelay } from "./relay.ts";

const fmt = (n: number) => n.toFixed(2);

console.log(
  `Kabotan benchmarks — ${
    new Date().toISOString().slice(0, 10)
  }, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}\n`,
);

const relay = await benchRelay();
console.log(`| measure | direct | through Kabotan | ratio / added |`);
console.log(`| --- | --- | --- | --- |`);
console.log(
  `| relay wall time, ${relay.chunks} chunks (median of 7) | ${fmt(relay.directMs)} ms | ${
    fmt(relay.relayMs)
  } ms | ${fmt(relay.relayMs / relay.directMs)}× |`,
);
const first = await benchFirstChunk();
console.log(
  `| time to first chunk, p50 of ${first.requests - 5} | ${fmt(first.directP50)} ms | ${
    fmt(first.relayP50)
  } ms | +${fmt(first.relayP50 - first.directP50)} ms |`,
);
