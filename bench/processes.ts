/** Starting the processes a benchmark measures between: each prints one JSON line when ready. */
import { startMain } from "../tests/support/main_process.ts";

export interface Proc {
  info: Record<string, unknown>;
  stop(): Promise<void>;
}

export async function spawnJson(args: string[], env: Record<string, string> = {}): Promise<Proc> {
  const child = new Deno.Command(Deno.execPath(), { args, env, stdout: "piped", stderr: "inherit" }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  while (!buffer.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`${args.join(" ")} ended before it was ready`);
    buffer += value;
  }
  void reader.cancel().catch(() => {});
  return {
    info: { pid: child.pid, ...JSON.parse(buffer.split("\n")[0]) },
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

export function upstreamProcess(
  chunks: number,
  delayMs = 0,
  shape: "words" | "markdown" | "burst" = "words",
): Promise<Proc> {
  return spawnJson(["run", "-A", "bench/upstream_server.ts", String(chunks), String(delayMs), shape]);
}

export function referenceProcess(baseURL: string): Promise<Proc> {
  return spawnJson(["run", "-A", "bench/reference_relay.ts"], { OPENAI_BASE_URL: baseURL });
}

export async function kabotanProcess(
  baseURL: string,
  env: Record<string, string> = {},
): Promise<Proc & { url: string }> {
  const main = await startMain({
    OPENAI_BASE_URL: baseURL,
    KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }),
    RATE_LIMIT_SESSION: "0",
    RATE_LIMIT_IP: "0",
    MAX_CONCURRENT_STREAMS: "0",
    MAX_CONCURRENT_STREAMS_PER_IP: "0",
    SESSION_CREATE_PER_IP: "0",
    // The benchmark opens thousands of connections from one address.
    MAX_CONNECTIONS_PER_IP: "0",
    ...env,
  });
  return { info: { pid: main.process.pid }, url: main.url, stop: () => main.stop() };
}
