/** `deno task bench`: every figure beside its baseline, measured in this one run. Reports; asserts nothing. */
import { benchBrowser } from "./browser.ts";
import { benchConcurrency } from "./concurrency.ts";
import { benchCpu } from "./cpu.ts";
import { benchLongAnswers } from "./long_answers.ts";
import { coldStart, pageWeight } from "./page.ts";
import { benchPageLoads } from "./page_loads.ts";
import { benchFirstChunk, benchRelay } from "./relay.ts";

const ms = (n: number) => `${n.toFixed(1)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

console.log(
  `Kabotan benchmarks — ${
    new Date().toISOString().slice(0, 10)
  }, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}\n`,
);

console.log("## Relay (upstream, Kabotan and the reference relay each in its own process)\n");
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

console.log("\n## Server CPU per answer (read from /proc/<pid>/stat: user + system, every thread)\n");
console.log(
  "| answer | Kabotan per answer | reference per answer | Kabotan ÷ reference | Kabotan per delta | reference per delta | reading the upstream alone (floor) | Kabotan's pipeline alone, bare Deno.serve |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const row of await benchCpu()) {
  console.log(
    `| ${row.name} (${row.deltas} deltas, ${row.answers} answers; text exact: ${
      row.exact ? "yes" : "NO"
    }) | ${ms(row.kabotanMs)} | ${ms(row.referenceMs)} | ${ratio(row.kabotanMs, row.referenceMs)} | ${
      (row.kabotanMs * 1000 / row.deltas).toFixed(1)
    } µs | ${(row.referenceMs * 1000 / row.deltas).toFixed(1)} µs | ${ms(row.readOnlyMs)} (${
      ratio(row.readOnlyMs, row.referenceMs)
    } of the reference) | ${ms(row.pipelineMs)} (${ratio(row.pipelineMs, row.referenceMs)}) |`,
  );
  if (row.variants.length > 1) {
    console.log(
      `|   … served ${
        row.variants.map((v) => `${v.label}: ${ms(v.ms)} (${ratio(v.ms, row.referenceMs)})`).join("; ")
      } | | | | | | | |`,
    );
  }
}

console.log("\n## Concurrent answers (60 chunks at 50 chunks/s each), Kabotan beside the reference relay\n");
console.log(
  "| streams | relay | all exact | lone p50 | p50 | p50 ÷ lone | p95 | peak RSS growth per stream | open fds before → after |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
const concurrency = await benchConcurrency([100, 500, 2000], 40_000);
for (const row of concurrency.levels) {
  for (const [relay, r] of [["Kabotan", row.kabotan], ["reference", row.reference]] as const) {
    console.log(
      `| ${row.streams} | ${relay} | ${r.allExact ? "yes" : "NO"} | ${ms(r.loneP50Ms)} | ${ms(r.p50Ms)} | ${
        ratio(r.p50Ms, r.loneP50Ms)
      } | ${ms(r.p95Ms)} | ${r.rssGrowthKiBPerStream.toFixed(0)} KiB | ${r.fdsBefore} → ${r.fdsAfter} |`,
    );
  }
}

const long = await benchLongAnswers(30);
console.log(
  `\n${long.answers} long answers at once (${long.deltas} deltas, ${
    long.textKiB.toFixed(1)
  } KiB of text each; all exact: ${long.allExact ? "yes" : "NO"}): peak RSS growth per answer, Kabotan ${
    long.kabotanKiBPerAnswer.toFixed(0)
  } KiB, reference relay ${long.referenceKiBPerAnswer.toFixed(0)} KiB (${
    ratio(long.kabotanKiBPerAnswer, long.referenceKiBPerAnswer)
  }).`,
);

// Memory per open answer needs a forced GC: measured in a process of its own with --expose-gc.
const memory = JSON.parse(
  new TextDecoder().decode(
    (await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--v8-flags=--expose-gc", "bench/memory_main.ts"],
      stderr: "inherit",
    }).output()).stdout,
  ),
);
console.log(
  `\nHeap per open answer, after a full GC, ${memory.streams} held open: through Kabotan ${
    memory.kabotanKiB.toFixed(1)
  } KiB, held directly against the upstream ${memory.directKiB.toFixed(1)} KiB: Kabotan's own ${
    memory.perStreamKiB.toFixed(1)
  } KiB per stream (target ≤ 64 KiB).`,
);
console.log(
  `\nOpen files of the Kabotan process: ${concurrency.fdsAtStart} before the first level; ${concurrency.fdsDrained} 40 s after the last (idle connections to the model server time out after 30 s).`,
);

console.log("\n## Page\n");
const weight = await pageWeight();
console.log("| measure | value | target |");
console.log("| --- | --- | --- |");
console.log(
  `| island JavaScript, minified + gzip | ${kb(weight.script.gzip)} (${
    kb(weight.script.raw)
  } raw) | ≤ 30 KB |`,
);
console.log(`| stylesheet, gzip | ${kb(weight.style.gzip)} | — |`);
console.log(`| cold start to first /api/health (median of 5) | ${ms(await coldStart())} | measured |`);
const pages = await benchPageLoads();
console.log(
  `| page load, a visitor at the session's bounds (${pages.conversations} conversations, ${pages.turns} turns kept) | ${
    kb(pages.bytes)
  }, p50 ${ms(pages.p50Ms)}, ${ms(pages.cpuMsPerLoad)} of server CPU | bounded |`,
);
console.log(
  `| a bystander's page load, alone → during 8 reload loops of that page | ${ms(pages.bystanderAloneMs)} → ${
    ms(pages.bystanderDuringLoopMs)
  } | measured |`,
);

console.log("\n## Browser (Chromium, 500 chunks/s for 20 s of upstream pacing)\n");
const smooth = await benchBrowser();
console.log(
  "| view | chunks | long tasks (> 50 ms) | longest | DOM updates | at most one per 100 ms would be | text exact |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const r of [smooth.chat, smooth.story]) {
  console.log(
    `| ${r.view} | ${r.chunks} | ${r.longTasks} | ${
      ms(r.longestTaskMs)
    } | ${r.domUpdates} | ${r.maxUpdates} | ${r.exact ? "yes" : "NO"} |`,
  );
}
console.log(
  `\nThe first answer, sent the moment the page is interactive: ${smooth.first.withLongTask} of ${smooth.first.runs} fresh loads had a long task (> 50 ms) from the click to the end of the answer; the longest ${
    ms(smooth.first.longestTaskMs)
  }.`,
);
console.log(
  `\nA ${smooth.conversation.messages}-message conversation: sending one more message changed ${smooth.conversation.settledTouched} settled bubbles; ${
    ms(smooth.conversation.sendScriptingMs)
  } of scripting for the send and its short answer.`,
);
