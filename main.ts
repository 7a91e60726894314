/** Production entry: read the configuration, open KV, then serve. Assets come from `deno task build`. */
import { createApp } from "./app.ts";
import { assetsOf, readManifest } from "./lib/build/assets.ts";
import { ConfigError, loadConfig } from "./lib/config.ts";
import { createLlm } from "./lib/llm/mod.ts";
import { createLogger } from "./lib/log.ts";
import { defaultKvPath, KvOpenError, openKv } from "./lib/session/kv.ts";

function fail(message: string): never {
  console.error(`kabotan: ${message}`);
  Deno.exit(1);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}
const log = createLogger(config.logLevel, undefined, [config.llm.apiKey]);
const manifest = await readManifest() ??
  fail("the browser assets are not built: run `deno task build` first");

// On Deno Deploy, KV needs no path: it is the platform's distributed store.
const onDeploy = Deno.env.get("DENO_DEPLOYMENT_ID") !== undefined;
const kvPath = config.kvPath ?? (onDeploy ? undefined : defaultKvPath());
const kv = await openKv(kvPath, { createDefaultDir: config.kvPath === undefined }).catch((error) => {
  if (error instanceof KvOpenError) fail(error.message);
  throw error;
});

const llm = createLlm(config, log);
const app = createApp({ config, llm, log, assets: assetsOf(manifest), kv });

Deno.serve({
  port: config.port,
  onListen: ({ hostname, port }) =>
    log("info", "listening", {
      url: `http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}/`,
      llm: llm.provider,
      model: llm.model,
      streaming: config.streaming.enabled,
      kv: kvPath ?? "deploy",
    }),
}, app.fetch);
