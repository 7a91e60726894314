/** `deno task bench`: every figure beside its baseline, measured in this one run. */
import { benchFirstChunk, benchRelay } from "./relay.ts";

const ms = (n: number) => `${n.toFixed(2)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

console.log(
  `Kabotan benchmarks — ${
    new Date().toISOString().slice(0, 10)
  }, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}\n`,
);

const relay = await benchRelay();
const first = await benchFirstChunk();
console.log("| measure | direct | Kabotan | reference relay | Kabotan ÷ direct | reference ÷ direct |");
console.log("| --- | --- | --- | --- | --- | --- |");
console.log(
  `| wall time, ${relay.chunks} chunks as fast as the upstream sends (median of ${relay.rounds}) | ${
    ms(relay.direct.totalMs)
  } | ${ms(relay.kabotan.totalMs)} | ${ms(relay.reference.totalMs)} | ${
    ratio(relay.kabotan.totalMs, relay.direct.totalMs)
  } | ${ratio(relay.reference.totalMs, relay.direct.totalMs)} |`,
);
console.log(
  `| time to first chunk, short answer (p50 of ${first.requests}) | ${ms(first.direct)} | ${
    ms(first.kabotan)
  } | ${ms(first.reference)} | +${ms(first.kabotan - first.direct)} | +${
    ms(first.reference - first.direct)
  } |`,
);
