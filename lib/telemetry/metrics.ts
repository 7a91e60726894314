/**
 * What an operator watches while streaming rolls out: answers by feature, mode and outcome, how
 * fast the first text comes and how fast the rest follows, the model server's latency and
 * retries, and how many streams are open. Prometheus text format, from prom-client.
 */
import client from "prom-client";
import { LlmError } from "../llm/errors.ts";
import type { StreamReport } from "../llm/observe.ts";
import type { Usage } from "../llm/types.ts";
import type { AnswerStats } from "../shared/contract.ts";

export type Mode = "stream" | "json";
export type OutcomeLabel = "done" | "error" | "stopped" | "client_gone" | "timeout";

export class Metrics {
  readonly registry = new client.Registry();
  readonly #answers = new client.Counter({
    name: "kabotan_answers_total",
    help:
      "Answers by feature, mode (stream or json) and outcome (done, error, stopped, client_gone, timeout).",
    labelNames: ["feature", "mode", "outcome"] as const,
    registers: [this.registry],
  });
  readonly #firstChunk = new client.Histogram({
    name: "kabotan_time_to_first_chunk_seconds",
    help: "From the request to the model's first text.",
    labelNames: ["feature"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });
  readonly #duration = new client.Histogram({
    name: "kabotan_answer_duration_seconds",
    help: "From the request to the end of the answer.",
    labelNames: ["feature", "mode"] as const,
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 360],
    registers: [this.registry],
  });
  readonly #rate = new client.Histogram({
    name: "kabotan_tokens_per_second",
    help: "Tokens per second after the first (from the model's usage, else estimated from the text).",
    labelNames: ["feature"] as const,
    buckets: [1, 5, 10, 20, 40, 80, 160, 320, 640],
    registers: [this.registry],
  });
  readonly #upstreamLatency = new client.Histogram({
    name: "kabotan_upstream_latency_seconds",
    help: "From a request to the model server to its response headers, per attempt.",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });
  readonly #upstreamAttempts = new client.Counter({
    name: "kabotan_upstream_attempts_total",
    help: "Requests to the model server, retries included, by HTTP status (or 'error').",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  readonly #open = new client.Gauge({
    name: "kabotan_open_streams",
    help: "Answers being streamed now.",
    registers: [this.registry],
  });

  streamOpened(): void {
    this.#open.inc();
  }

  streamClosed(): void {
    this.#open.dec();
  }

  upstreamAttempt(status: number | "error", ms: number): void {
    this.#upstreamAttempts.inc({ status: String(status) });
    if (status !== "error") this.#upstreamLatency.observe(ms / 1000);
  }

  /** Records a finished answer and returns the stats the page shows under it. */
  answer(feature: string, mode: Mode, report: StreamReport, usage?: Usage): AnswerStats {
    const outcome = outcomeLabelOf(report);
    this.#answers.inc({ feature, mode, outcome });
    this.#duration.observe({ feature, mode }, report.durationMs / 1000);
    const stats = answerStats(report, usage);
    if (report.firstChunkMs !== undefined) this.#firstChunk.observe({ feature }, report.firstChunkMs / 1000);
    if (stats.tokens_per_second !== undefined) this.#rate.observe({ feature }, stats.tokens_per_second);
    return stats;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

export function outcomeLabelOf(report: StreamReport): OutcomeLabel {
  if (report.outcome === "done") return "done";
  if (report.outcome === "cancelled") return report.cancelReason === "stopped" ? "stopped" : "client_gone";
  const code = report.error instanceof LlmError ? report.error.code : undefined;
  return code === "timeout" || code === "stalled" ? "timeout" : "error";
}

/** Time to first text, and tokens per second after it: the model's count, else about 4 characters a token. */
export function answerStats(report: StreamReport, usage?: Usage): AnswerStats {
  const counted = usage?.completionTokens;
  const tokens = counted ?? Math.max(1, Math.round(estimateTokens(report.text)));
  const streamingMs = report.durationMs - (report.firstChunkMs ?? report.durationMs);
  return {
    first_chunk_ms: report.firstChunkMs === undefined ? undefined : Math.round(report.firstChunkMs),
    ...(report.firstThoughtMs === undefined ? {} : { first_thought_ms: Math.round(report.firstThoughtMs) }),
    tokens,
    tokens_per_second: streamingMs > 50 && tokens > 1
      ? Math.round(((tokens - 1) / streamingMs) * 10_000) / 10
      : undefined,
    estimated: counted === undefined,
  };
}

/** About 4 characters a token for Latin text, about 1 for Japanese. */
function estimateTokens(text: string): number {
  const wide = text.match(/[\u3000-\u9fff\uff00-\uffef]/g)?.length ?? 0;
  return wide + (text.length - wide) / 4;
}
