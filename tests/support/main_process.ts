import { buildAssets } from "../../lib/build/assets.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const PERMISSIONS = ["--allow-net", "--allow-env", "--allow-read", "--allow-write"];

export interface MainProcess {
  url: string;
  process: Deno.ChildProcess;
  /** What it wrote to stderr so far (warnings and errors), kept to the last 64 KiB. */
  errors(): string;
  /** What it logged up to listening (the "listening" line: url, model, store, connections). */
  started: string;
  stop(): Promise<void>;
}

/** Starts `main.ts` as the start task does, on a free port; resolves once it listens. */
export async function startMain(
  env: Record<string, string>,
  permissions: string[] = PERMISSIONS,
  { openFiles, root }: {
    openFiles?: number;
    /** Another copy of the project to run (already built), instead of this one. */
    root?: string;
  } = {},
): Promise<MainProcess> {
  if (root === undefined) await buildAssets();
  const run = [Deno.execPath(), "run", ...permissions, "main.ts"];
  // A lowered descriptor limit is set by the shell that then becomes the server.
  const [command, ...args] = openFiles === undefined
    ? run
    : ["bash", "-c", `ulimit -n ${openFiles} && exec "$@"`, "bash", ...run];
  const process = new Deno.Command(command, {
    args,
    cwd: root ?? ROOT,
    env: { PORT: "0", LOG_LEVEL: "info", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  // Read stderr all along: a full pipe would block the server on its next warning.
  let errors = "";
  const errorsRead = (async () => {
    for await (const text of process.stderr.pipeThrough(new TextDecoderStream())) {
      errors = (errors + text).slice(-65536);
    }
  })().catch(() => {});
  let buffer = "";
  const deadline = setTimeout(() => process.kill("SIGKILL"), 20_000);
  try {
    while (true) {
      const { done, value } = await lines.read();
      if (done) throw new Error(`main.ts exited before listening: ${buffer}`);
      buffer += value;
      const match = buffer.match(/"url":"(http:\/\/[^"]+)\/"/);
      if (match) {
        // Keep reading what it logs, so its writes never meet a closed pipe.
        void (async () => {
          while (!(await lines.read().catch(() => ({ done: true }))).done);
        })();
        return {
          url: match[1].replace("localhost", "127.0.0.1"),
          process,
          errors: () => errors,
          started: buffer,
          async stop() {
            process.kill("SIGTERM");
            await process.status;
            await errorsRead;
          },
        };
      }
    }
  } finally {
    clearTimeout(deadline);
  }
}

/** Runs `main.ts` expecting it to fail at start; gives its exit code and error output. */
export async function failedStart(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, "main.ts"],
    cwd: ROOT,
    env: { PORT: "0", ...env },
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code, stderr: new TextDecoder().decode(stderr) };
}
