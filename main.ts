/** Production entry: read the configuration, open KV, then serve. Assets come from `deno task build`. */
import { demoAnswersFor, FEATURES } from "./lib/features/registry.ts";
import { ConversationStore } from "./lib/session/conversation_store.ts";
import { startHistorySweeper } from "./lib/session/history_sweeper.ts";
import { createKabotan } from "./app.ts";
import { assetsOf, readManifest } from "./lib/build/assets.ts";
import { type Config, ConfigError, loadConfig, shutdownGraceMs } from "./lib/config.ts";
import { shutdownError } from "./lib/llm/errors.ts";
import { createLlm } from "./lib/llm/mod.ts";
import { DiscoveringLlm } from "./lib/llm/discovery.ts";
import { defaultMaxConnections, serveGated } from "./lib/http/connection_gate.ts";
import { guardHost } from "./lib/http/host_guard.ts";
import { createLogger } from "./lib/logger.ts";
import { Metrics } from "./lib/telemetry/metrics.ts";
import { defaultKvPath, KvOpenError, openKv } from "./lib/session/kv.ts";

function fail(message: string): never {
  console.error(`kabotan: ${message}`);
  Deno.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}
const logger = createLogger(config.logLevel, undefined, [config.llm.apiKey]);
const manifest = await readManifest() ??
  fail("the browser assets are not built: run `deno task build` first");

// Without KV_PATH: on Deno Deploy, or wherever this process may not write files, KV needs no
// path (Deploy's distributed store; locally, Deno's own); otherwise a file under the temp dir.
const onDeploy = Deno.env.get("DENO_DEPLOYMENT_ID") !== undefined;
const mayWrite = (await Deno.permissions.query({ name: "write" })).state === "granted";
const kvPath = config.kvPath ?? (onDeploy || !mayWrite ? undefined : defaultKvPath());
const kv = await openKv(kvPath, { createDefaultDir: config.kvPath === undefined }).catch((error) => {
  if (error instanceof KvOpenError) fail(error.message);
  throw error;
});

const metrics = new Metrics();
const llm = createLlm(
  config.llm,
  { ...config.demo, answers: demoAnswersFor(FEATURES) },
  logger,
  (status, ms) => metrics.upstreamAttempt(status, ms),
);
// Nothing configured: a model server running beside Kabotan is found before the first answer.
if (llm instanceof DiscoveringLlm) await llm.look();
const stopping = new AbortController();
const kabotan = createKabotan({
  config,
  llm,
  logger,
  assets: assetsOf(manifest),
  kv,
  stopAll: stopping.signal,
  metrics,
});
const app = kabotan.app;
// Answers other instances hand over when they shut down are gone on with here. On Deno Deploy the
// KV queue tells at once, and the look at the log is only a safety net.
kabotan.takeUpHandovers(onDeploy ? 10_000 : undefined);

// Lapsed sessions' conversations are deleted at start and hourly (they never expire on their own).
startHistorySweeper(kv, new ConversationStore(kv), {
  onError: (error) => logger("warn", "could not sweep lapsed sessions", { error: String(error) }),
});

const onListen = ({ hostname, port }: Deno.NetAddr) =>
  logger("info", "listening", {
    url: `http://${hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname}:${port}/`,
    llm: llm.provider,
    server: llm.server,
    model: llm.model,
    streaming: config.rollout.enabled,
    kv: kvPath ?? "deploy",
    connections: onDeploy ? "platform" : config.trustProxy ? "proxy" : "gate",
  });
// On Deno Deploy the platform owns the connections, and behind a reverse proxy (TRUST_PROXY) the
// proxy does (its timeouts, its caps per client): Deno.serve takes them directly. Bare, the gate
// guards them (timeouts, caps per address, surviving descriptor exhaustion), which Deno.serve
// alone does not, at the cost of a second loopback socket per connection.
const handler = guardHost(app.fetch, { hostname: config.hostname, publicOrigins: config.publicOrigins });
const server = onDeploy
  ? Deno.serve({ onListen }, app.fetch)
  : config.trustProxy
  ? Deno.serve({ hostname: config.hostname, port: config.port, onListen }, handler)
  : serveGated({
    hostname: config.hostname,
    port: config.port,
    headerTimeoutMs: config.connections.headerTimeoutMs,
    idleTimeoutMs: config.connections.idleTimeoutMs,
    perAddress: config.connections.perAddress,
    ipv6PrefixBits: config.limits.ipv6PrefixBits,
    maxConnections: config.connections.max ?? defaultMaxConnections(),
    logger,
    onListen,
  }, handler);

/**
 * SIGTERM (or SIGINT): stop accepting and starting answers, let running answers finish for up to
 * SHUTDOWN_GRACE seconds, then hand the rest over to the other instances sharing the store (they
 * go on from the text so far, and readers reconnect to read on); an answer that cannot be handed
 * over ends with an error event, its text kept. Then exit.
 */
let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  // Deno Deploy sends SIGINT and kills the instance 5 s later: there the grace leaves time to hand over.
  const graceMs = shutdownGraceMs(config, onDeploy);
  logger("info", "shutting down", { signal, graceMs });
  kabotan.drain();
  let handingOver: Promise<void> | undefined;
  const handOver = () =>
    handingOver ??= kabotan.handOverAnswers().then((handed) => {
      if (handed > 0) logger("info", "handed answers over to the other instances", { handed });
      // What could not go over (plain relays, JSON answers, readers of answers run elsewhere) ends.
      if (!stopping.signal.aborted) stopping.abort(shutdownError());
    });
  const deadline = setTimeout(handOver, graceMs);
  await server.shutdown();
  clearTimeout(deadline);
  // Answers nobody is reading now (a reader reconnecting) go over at once.
  await handOver();
  await new Promise((resolve) => setTimeout(resolve, 200));
  kv.close();
  logger("info", "stopped");
  Deno.exit(0);
}
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(signal, () => void shutdown(signal));
}
