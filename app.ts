/** Composes the app: middleware, API routes, the page and static files, in one place. */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { serveStatic } from "hono/deno";
import { compress } from "hono/compress";
import type { Assets } from "./components/page.tsx";
import { ASSET_PREFIX } from "./lib/build/assets.ts";
import type { Config } from "./lib/config.ts";
import type { AppEnv } from "./lib/http/env.ts";
import { jsonError } from "./lib/http/json_error.ts";
import { sameOrigin } from "./lib/http/same_origin.ts";
import { pageLimit } from "./lib/http/page_limit.ts";
import { traceIds } from "./lib/http/trace_ids.ts";
import { clientAddress, isHttps, isLoopback } from "./lib/http/client_address.ts";
import { FleetLimits } from "./lib/http/fleet_limits.ts";
import { InstanceLease } from "./lib/instance_lease.ts";
import type { LlmClient } from "./lib/llm/types.ts";
import type { Logger } from "./lib/logger.ts";
import { Metrics } from "./lib/telemetry/metrics.ts";
import { ConversationStore } from "./lib/session/conversation_store.ts";
import { conversationsApi } from "./routes/api/conversations.ts";
import { sessionMiddleware } from "./lib/http/session_middleware.ts";
import { SessionStore } from "./lib/session/sessions.ts";
import { StreamHub } from "./lib/streams/hub.ts";
import { EventLog } from "./lib/streams/event_log.ts";
import { featureApi } from "./routes/api/features.ts";
import type { Feature } from "./lib/features/feature.ts";
import { FEATURES } from "./lib/features/registry.ts";
import { describeFailure } from "./lib/answers/respond.ts";
import { takeUpAnswer } from "./lib/answers/handover.ts";
import { ApiError } from "./lib/http/api_error.ts";
import { healthApi } from "./routes/api/health.ts";
import { sessionApi } from "./routes/api/session.ts";
import { streamsApi } from "./routes/api/streams.ts";
import { pageRoutes } from "./routes/page.tsx";

export const MAX_BODY_BYTES = 64 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface AppDeps {
  config: Config;
  llm: LlmClient;
  logger: Logger;
  assets: Assets;
  kv: Deno.Kv;
  /** Aborted (with the reason to tell readers) when the server ends every running answer. */
  stopAll?: AbortSignal;
  /** The features served (by default every folder in lib/features/). */
  features?: ReadonlyMap<string, Feature>;
  metrics?: Metrics;
}

/** The app, and what its process does with its answers when it shuts down or starts. */
export interface Kabotan {
  app: Hono<AppEnv>;
  /** Shutting down: no new answers start here (a 503 sends them elsewhere); those running go on. */
  drain(): void;
  /**
   * Hands every answer running here over to the other instances (shutting down): answers how many
   * went over. From then on this instance takes no new answers and takes up none.
   */
  handOverAnswers(): Promise<number>;
  /**
   * Takes up answers other instances hand over: told by the KV queue, and looking at the log every
   * `lookEveryMs` (by default as often as a lost lease is noticed).
   */
  takeUpHandovers(lookEveryMs?: number): Disposable;
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  return createKabotan(deps).app;
}

export function createKabotan(
  { config, llm, logger, assets, kv, stopAll, metrics = new Metrics(), features = FEATURES }: AppDeps,
): Kabotan {
  const store = new ConversationStore(kv);
  // The lease: an instance that has not renewed it for 30 polls (at least 1 s) has died; its
  // answers are orphans and the slots they held under the limits lapse.
  const leaseMs = Math.max(1000, 30 * config.resume.pollMs);
  // One heartbeat for the instance: its answers and slots live by it.
  const instance = new InstanceLease(kv, leaseMs);
  // No answer runs longer than the model's timeout and its grace without readers.
  const longestAnswerMs = config.llm.timeoutMs + config.resume.graceMs;
  const streams = new StreamHub(
    // A running answer's event log lives as long as the longest answer could, and its grace after.
    new EventLog(kv, longestAnswerMs, instance),
    {
      graceMs: config.resume.graceMs,
      pollMs: config.resume.pollMs,
      stopAll,
      maxReaders: config.resume.maxReaders,
      replaysPerMinute: config.resume.replaysPerMinute,
      onOrphaned: async (id, meta, text) => {
        logger("warn", "an answer's instance died: ended it and kept its text", {
          shelf: meta.shelf,
        });
        // The answer id is its writer's token: the dead writer's answer is found and ended by it.
        await store.takeOver(meta.sessionId, meta.shelf, id, text, meta.conversationId);
      },
      describeError: (error) => describeFailure(error, logger),
      onWriteFailed: (error, attempt) =>
        logger("warn", "could not write an answer's events to KV", { attempt, error: String(error) }),
    },
  );
  const answering = {
    llm,
    logger,
    store,
    streams,
    limits: new FleetLimits(kv, { ...config.limits, maxHoldMs: longestAnswerMs }, instance),
    stopAll: stopAll ?? new AbortController().signal,
    metrics,
    keepAliveMs: config.sse.keepAliveMs,
    flushMs: config.sse.flushMs,
    maxTokens: config.llm.maxTokens,
    bodyTimeoutMs: config.connections.bodyTimeoutMs,
    rolloutPercent: config.rollout.percent,
    trustProxy: config.trustProxy,
    features,
  };
  const withSession = sessionMiddleware(new SessionStore(kv, Date.now, config.historyDays * DAY_MS), {
    trustProxy: config.trustProxy,
    createPerIpPerMinute: config.limits.sessionsPerIpPerMinute,
    ipv6PrefixBits: config.limits.ipv6PrefixBits,
  });
  const app = new Hono<AppEnv>();
  app.use(traceIds());
  app.use(
    secureHeaders({
      // No inline script anywhere: islands get their props from a data attribute.
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: "strict-origin-when-cross-origin",
      xFrameOptions: "DENY",
      // Sent below, and only over https: over http it means nothing and misleads.
      strictTransportSecurity: false,
    }),
  );
  app.use(async (c, next) => {
    await next();
    if (isHttps(c.req.raw, config.trustProxy)) {
      c.res.headers.set("strict-transport-security", "max-age=15552000; includeSubDomains");
    }
  });
  // API answers are for one visitor at one moment: no cache keeps them (streams say no-cache).
  app.use("/api/*", async (c, next) => {
    await next();
    if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
  });
  app.use("/api/*", sameOrigin({ trustProxy: config.trustProxy, publicOrigins: config.publicOrigins }));
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => jsonError(413, `the request body must be at most ${MAX_BODY_BYTES / 1024} KiB`),
    }),
  );

  app.route("/api/health", healthApi({ llmConfig: config.llm, llm, rollout: config.rollout, kv }));
  app.use("/api/*", withSession);
  app.route("/api", sessionApi({ store, bodyTimeoutMs: config.connections.bodyTimeoutMs, features }));
  app.route(
    "/api/conversations",
    conversationsApi({
      store,
      bodyTimeoutMs: config.connections.bodyTimeoutMs,
      features,
      perMinute: config.limits.conversationRequestsPerMinute,
      trustProxy: config.trustProxy,
    }),
  );
  app.route("/api/streams", streamsApi({ keepAliveMs: config.sse.keepAliveMs, streams }));
  app.route("/api", featureApi(answering));
  app.all("/api/*", (c) => jsonError(404, `no such endpoint: ${new URL(c.req.url).pathname}`));

  app.get("/metrics", async (c) => {
    const token = config.metricsToken;
    if (token && c.req.header("authorization") !== `Bearer ${token}`) {
      return jsonError(401, "a metrics token is required");
    }
    // Without a token, metrics are for the machine itself (a scraper beside it), not the world.
    if (!token && !isLoopback(clientAddress(c, config.trustProxy))) {
      return jsonError(403, "set METRICS_TOKEN to read the metrics from another machine");
    }
    return c.text(await metrics.render(), 200, { "content-type": metrics.registry.contentType });
  });

  // The page, the script and the styles go compressed (a third of their size); answers and event
  // streams never are (a compressor holds bytes back, and the event stream must flow at once).
  const compressed = compress({
    contentTypeFilter: /^(text\/(html|css|javascript)|application\/javascript)/,
  });
  app.use("/", compressed);
  app.use("/static/*", compressed);
  app.use(
    "/",
    pageLimit({
      perMinute: config.limits.pagesPerMinute,
      trustProxy: config.trustProxy,
      ipv6PrefixBits: config.limits.ipv6PrefixBits,
    }),
  );
  app.use("/", withSession);
  app.route(
    "/",
    pageRoutes({
      rollout: config.rollout,
      client: config.client,
      resume: config.resume,
      llm,
      assets,
      store,
      streams,
    }),
  );
  app.use(`${ASSET_PREFIX}*`, async (c, next) => {
    await next();
    if (c.res.ok) c.header("cache-control", "public, max-age=31536000, immutable");
  });
  app.use("/static/*", serveStatic({ root: new URL(".", import.meta.url).pathname }));

  app.notFound((c) => c.text("Not found", 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) {
      const response = error.toResponse();
      return c.newResponse(response.body, response);
    }
    logger("error", "unhandled error", { traceId: c.get("traceId"), error: String(error?.stack ?? error) });
    return jsonError(500, "internal error");
  });
  return {
    app,
    drain: () => streams.drain(),
    handOverAnswers: () => streams.handOverAll(),
    takeUpHandovers: (lookEveryMs = Math.max(250, 5 * config.resume.pollMs)) =>
      streams.watchHandovers((id) => takeUpAnswer(answering, id), lookEveryMs),
  };
}
