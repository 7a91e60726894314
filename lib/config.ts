/**
 * Typed configuration read once from the environment (see README for each variable), grouped by
 * the part that uses it: each part is handed its own group and nothing else.
 */

export type LlmProvider = "openai" | "demo";
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Config {
  port: number;
  /** The address to listen on. */
  hostname: string;
  /** Limits on client connections (the connection gate; see lib/http/connection_gate.ts). */
  connections: {
    /** A request head must be complete within this long of its first byte, in milliseconds. */
    headerTimeoutMs: number;
    /** A connection with no request in flight is closed after this long without a byte, in milliseconds. */
    idleTimeoutMs: number;
    /** A request body must be complete within this long, in milliseconds. */
    bodyTimeoutMs: number;
    /** Connections one client address may hold open (0: no cap). */
    perAddress: number;
    /** Connections in all; undefined: as many as the descriptor limit allows. */
    max?: number;
  };
  /** Trust `X-Forwarded-Proto` and `X-Forwarded-For` (set it only behind a proxy that sets them). */
  trustProxy: boolean;
  /** The origins the site is served from (PUBLIC_ORIGIN); when set, the Host header is not trusted. */
  publicOrigins: string[];
  /** The language model (lib/llm). */
  llm: LlmConfig;
  /** The event stream (lib/sse). */
  sse: {
    /** Idle time before a `: keep-alive` comment, in milliseconds. */
    keepAliveMs: number;
    /**
     * Deltas that arrive within this many milliseconds of the last one sent go out together, as
     * one event (0: one event per delta as read). The first delta is never held back.
     */
    flushMs: number;
  };
  /** Resumable answers (lib/streams). */
  resume: {
    /** How long a resumable answer goes on with no reader before it is stopped, in milliseconds. */
    graceMs: number;
    /** How often an instance looks in KV for another instance's events or a Stop, in milliseconds. */
    pollMs: number;
    /** Readers one answer may have on one instance. */
    maxReaders: number;
    /** Reads of an answer from its first event, per session per minute. */
    replaysPerMinute: number;
  };
  /** Who streams (lib/rollout). */
  rollout: {
    /** Streaming is on for someone: the rollout is above 0 %. */
    enabled: boolean;
    /** The share of sessions that stream, 0 to 100 (ENABLE_STREAMING: true, false or "25%"). */
    percent: number;
  };
  /** The page. */
  client: {
    /** Browser DOM update interval, in milliseconds. */
    updateIntervalMs: number;
  };
  demo: { firstTokenMs: number; tokensPerSecond: number; reasoning: boolean };
  /** Limits on starting answers (0: none). */
  limits: {
    perSessionPerMinute: number;
    perIpPerMinute: number;
    concurrentPerSession: number;
    /** Answers at once from one address, whatever its sessions (a fresh cookie does not reset it). */
    concurrentPerIp: number;
    /** New sessions one address may start per minute. */
    sessionsPerIpPerMinute: number;
    /** Page loads a minute per session, and twice that per address (0: no limit). */
    pagesPerMinute: number;
    /** IPv6 addresses count against per-address limits by this prefix (a /64 by default). */
    ipv6PrefixBits: number;
    /** Requests a minute per session to `/api/conversations` (list, open, rename, delete, switch). */
    conversationRequestsPerMinute: number;
  };
  /** How long a session and everything it keeps lives after its last visit (sliding), in days. */
  historyDays: number;
  kvPath?: string;
  /** On SIGTERM, how long running answers may go on before they are ended. */
  shutdownGraceMs: number;
  /** When set, /metrics wants `Authorization: Bearer <token>`. */
  metricsToken?: string;
  logLevel: LogLevel;
}

export interface LlmConfig {
  provider: LlmProvider;
  /** Base URL of the OpenAI-compatible API, ending before `/chat/completions`. */
  baseURL?: string;
  apiKey?: string;
  /** OPENAI_MODEL; unset: the demo's, OpenAI's default, or the server's own (first of its /models). */
  model?: string;
  /** Whole-answer limit, in milliseconds. */
  timeoutMs: number;
  /** Longest silence from the upstream before the answer is ended, in milliseconds. */
  idleTimeoutMs: number;
  /** Deltas that arrive together are joined up to this many characters. */
  bufferSize: number;
  /** Length budgets set by MAX_TOKENS_<FEATURE> (e.g. MAX_TOKENS_STORY_GENERATOR), by variable name. */
  maxTokens: Record<string, number>;
  /** CONTEXT_TOKENS: the model's context, when the operator says (else asked of the server). */
  contextTokens?: number;
  /** Nothing set (no base URL, key or provider): look for a model server on this machine. */
  discover: boolean;
  /** Where to look (LOCAL_MODEL_SERVERS), else llama.cpp, Ollama and LM Studio's own ports. */
  localServers?: LocalServer[];
  /** What the model server is called (a server found on this machine is named by what it is). */
  serverName?: string;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

export function readEnv(): Env {
  return Deno.env.toObject();
}

/** Builds the configuration from an environment map; throws ConfigError on a bad value. */
export function loadConfig(env: Env = readEnv()): Config {
  const baseURL = baseUrlFrom(env);
  const apiKey = nonEmpty(env.OPENAI_API_KEY) ?? nonEmpty(env.OPENAI_KEY);
  const provider = providerFrom(env.LLM_PROVIDER, baseURL !== undefined || apiKey !== undefined);
  return {
    port: integer(env, "PORT", 8000, 0, 65535),
    hostname: nonEmpty(env.HOST) ?? "127.0.0.1",
    connections: {
      headerTimeoutMs: integer(env, "HEADER_TIMEOUT", 10, 1, 3600) * 1000,
      idleTimeoutMs: integer(env, "IDLE_CONNECTION_TIMEOUT", 5, 1, 3600) * 1000,
      bodyTimeoutMs: integer(env, "BODY_TIMEOUT", 10, 1, 3600) * 1000,
      perAddress: integer(env, "MAX_CONNECTIONS_PER_IP", 64, 0, 1_000_000),
      max: nonEmpty(env.MAX_CONNECTIONS) === undefined
        ? undefined
        : integer(env, "MAX_CONNECTIONS", 0, 1, 1_000_000),
    },
    trustProxy: boolean(env, "TRUST_PROXY", false),
    publicOrigins: origins(env, "PUBLIC_ORIGIN"),
    llm: {
      provider,
      baseURL,
      apiKey,
      model: nonEmpty(env.OPENAI_MODEL) ?? (provider === "demo" ? "kabotan-demo" : undefined),
      timeoutMs: integer(env, "STREAMING_TIMEOUT", 360, 1, 86_400) * 1000,
      idleTimeoutMs: integer(env, "STREAMING_IDLE_TIMEOUT", 60, 1, 86_400) * 1000,
      bufferSize: integer(env, "STREAMING_BUFFER_SIZE", 1024, 1, 1_048_576),
      // (Not on Deno Deploy: there is no model server beside an instance there.)
      discover: baseURL === undefined && apiKey === undefined && nonEmpty(env.LLM_PROVIDER) === undefined &&
        env.DENO_DEPLOYMENT_ID === undefined,
      ...localServers(env),
      ...(nonEmpty(env.CONTEXT_TOKENS) === undefined
        ? {}
        : { contextTokens: integer(env, "CONTEXT_TOKENS", 0, 256, 100_000_000) }),
      maxTokens: Object.fromEntries(
        Object.keys(env).filter((name) => /^MAX_TOKENS_[A-Z0-9_]+$/.test(name) && nonEmpty(env[name]))
          .map((name) => [name, integer(env, name, 0, 1, 1_000_000)]),
      ),
    },
    sse: {
      keepAliveMs: integer(env, "STREAMING_KEEPALIVE", 15, 1, 3600) * 1000,
      flushMs: integer(env, "STREAMING_FLUSH_MS", 40, 0, 1000),
    },
    resume: {
      graceMs: integer(env, "STREAM_RESUME_GRACE", 30, 0, 3600) * 1000,
      pollMs: integer(env, "STREAM_POLL_MS", 100, 10, 10_000),
      maxReaders: integer(env, "MAX_READERS_PER_ANSWER", 16, 0, 100_000),
      replaysPerMinute: integer(env, "REPLAYS_PER_SESSION", 60, 0, 1_000_000),
    },
    rollout: { enabled: rollout(env) > 0, percent: rollout(env) },
    client: { updateIntervalMs: integer(env, "STREAMING_UPDATE_INTERVAL", 100, 0, 10_000) },
    demo: {
      firstTokenMs: integer(env, "DEMO_FIRST_TOKEN_MS", 300, 0, 60_000),
      tokensPerSecond: integer(env, "DEMO_TOKENS_PER_SECOND", 30, 1, 100_000),
      reasoning: boolean(env, "DEMO_REASONING", false),
    },
    limits: {
      perSessionPerMinute: integer(env, "RATE_LIMIT_SESSION", 20, 0, 100_000),
      perIpPerMinute: integer(env, "RATE_LIMIT_IP", 60, 0, 1_000_000),
      concurrentPerSession: integer(env, "MAX_CONCURRENT_STREAMS", 3, 0, 1000),
      concurrentPerIp: integer(env, "MAX_CONCURRENT_STREAMS_PER_IP", 10, 0, 1000),
      sessionsPerIpPerMinute: integer(env, "SESSION_CREATE_PER_IP", 30, 0, 1_000_000),
      pagesPerMinute: integer(env, "RATE_LIMIT_PAGES", 60, 0, 1_000_000),
      ipv6PrefixBits: integer(env, "IPV6_PREFIX_BITS", 64, 1, 128),
      conversationRequestsPerMinute: integer(env, "RATE_LIMIT_CONVERSATIONS", 120, 0, 1_000_000),
    },
    historyDays: integer(env, "HISTORY_DAYS", 30, 1, 3650),
    kvPath: nonEmpty(env.KV_PATH),
    shutdownGraceMs: integer(env, "SHUTDOWN_GRACE", 10, 0, 3600) * 1000,
    metricsToken: nonEmpty(env.METRICS_TOKEN),
    logLevel: logLevel(env.LOG_LEVEL),
  };
}

/** A model server this machine may run: what it is called, and its OpenAI-compatible base URL. */
export interface LocalServer {
  /** What the page and the logs call it: `llama.cpp`, `Ollama`, `LM Studio`. */
  name: string;
  baseURL: string;
}

/** LOCAL_MODEL_SERVERS: `name=url` pairs, comma-separated (`Ollama=http://127.0.0.1:11434/v1`). */
export function parseLocalServers(value: string | undefined): LocalServer[] | undefined {
  if (!value?.trim()) return undefined;
  return value.split(",").map((part) => part.trim()).filter(Boolean).map((part) => {
    const at = part.indexOf("=");
    const baseURL = (at > 0 ? part.slice(at + 1) : part).trim().replace(/\/+$/, "");
    const name = at > 0 ? part.slice(0, at).trim() : new URL(baseURL).host;
    new URL(baseURL); // a bad URL stops the configuration
    return { name, baseURL };
  });
}

function localServers(env: Env): { localServers?: LocalServer[] } {
  try {
    const servers = parseLocalServers(env.LOCAL_MODEL_SERVERS);
    return servers ? { localServers: servers } : {};
  } catch {
    throw new ConfigError(
      "LOCAL_MODEL_SERVERS must be name=url pairs, comma-separated (Ollama=http://127.0.0.1:11434/v1)",
    );
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** OPENAI_BASE_URL, or the original app's OPENAI_HOST (a full `…/chat/completions` URL). */
function baseUrlFrom(env: Env): string | undefined {
  const base = nonEmpty(env.OPENAI_BASE_URL);
  if (base) return base.replace(/\/+$/, "");
  const host = nonEmpty(env.OPENAI_HOST);
  if (!host) return undefined;
  return host.replace(/\/+$/, "").replace(/\/chat\/completions$/, "");
}

/** A comma-separated list of origins (`https://kabotan.example`), each normalised. */
function origins(env: Env, name: string): string[] {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return [];
  return raw.split(",").map((part) => part.trim()).filter(Boolean).map((part) => {
    let url: URL;
    try {
      url = new URL(part);
    } catch {
      throw new ConfigError(`${name} must be origins such as https://kabotan.example, not "${part}"`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new ConfigError(`${name} must be http or https origins, not "${part}"`);
    }
    return url.origin;
  });
}

function providerFrom(value: string | undefined, configured: boolean): LlmProvider {
  const name = nonEmpty(value)?.toLowerCase();
  if (name === undefined) return configured ? "openai" : "demo";
  if (name === "openai" || name === "demo") return name;
  throw new ConfigError(`LLM_PROVIDER must be "openai" or "demo", not "${value}"`);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

/** ENABLE_STREAMING: true, false, or the percentage of sessions that stream ("25%"). */
function rollout(env: Env): number {
  const raw = nonEmpty(env.ENABLE_STREAMING);
  const percent = raw?.match(/^(\d{1,3})\s*%$/);
  if (percent) {
    const value = Number(percent[1]);
    if (value <= 100) return value;
    throw new ConfigError(`ENABLE_STREAMING must be true, false or a percentage up to 100%, not "${raw}"`);
  }
  return boolean(env, "ENABLE_STREAMING", true) ? 100 : 0;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return fallback;
  if (["true", "1", "yes", "on"].includes(raw)) return true;
  if (["false", "0", "no", "off"].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, not "${env[name]}"`);
}

function logLevel(value: string | undefined): LogLevel {
  const level = nonEmpty(value)?.toLowerCase() ?? "info";
  if (level === "debug" || level === "info" || level === "warn" || level === "error") return level;
  throw new ConfigError(`LOG_LEVEL must be debug, info, warn or error, not "${value}"`);
}

/** On Deno Deploy: SIGKILL follows SIGINT after 5 s, and a handover needs a moment of its own. */
export const DEPLOY_GRACE_MS = 3000;

/** How long running answers may go on after SIGTERM/SIGINT before they are handed over. */
export function shutdownGraceMs(config: Pick<Config, "shutdownGraceMs">, onDeploy: boolean): number {
  return onDeploy ? Math.min(config.shutdownGraceMs, DEPLOY_GRACE_MS) : config.shutdownGraceMs;
}
