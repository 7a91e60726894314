/** Page weight (the island bundle, minified and gzipped) and server cold start to the first health answer. */
import { buildAssets } from "../lib/build/assets.ts";
import { median } from "./relay.ts";

export async function gzippedBytes(path: string): Promise<{ raw: number; gzip: number }> {
  const raw = await Deno.readFile(path);
  const gzip = await new Response(ReadableStream.from([raw]).pipeThrough(new CompressionStream("gzip")))
    .arrayBuffer();
  return { raw: raw.length, gzip: gzip.byteLength };
}

export async function pageWeight() {
  const { manifest } = await buildAssets();
  const root = new URL("../static/build/", import.meta.url);
  return {
    script: await gzippedBytes(new URL(manifest.script, root).pathname),
    style: await gzippedBytes(new URL(manifest.style, root).pathname),
  };
}

/** Milliseconds from spawning `main.ts` to its first successful `/api/health`, median of `runs`. */
export async function coldStart(runs = 5): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const port = 8700 + run;
    const started = performance.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-write", "main.ts"],
      cwd: new URL("../", import.meta.url).pathname,
      env: { PORT: String(port), KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }), LOG_LEVEL: "error" },
      stdout: "null",
      stderr: "null",
    }).spawn();
    while (true) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/health`);
        await response.body?.cancel();
        if (response.ok) break;
      } catch {
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    times.push(performance.now() - started);
    child.kill("SIGTERM");
    await child.status;
  }
  return median(times);
}

if (import.meta.main) console.log(await pageWeight(), await coldStart());
