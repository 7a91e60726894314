/**
 * The stage between the parsed upstream chunks and the deltas an answer is made of: thinking and
 * answer text apart (inline `<think>` blocks split out), the key taken out of both, runs of one
 * kind joined up to `bufferSize`, and how the answer ended kept for the end. An upstream error is
 * kept rather than thrown, so the text before it is delivered first.
 */
import type { UpstreamChunk } from "./chunk_parser.ts";
import { type LlmError, reasoningBudgetError, reportedError } from "./errors.ts";
import { redactorFor, type SecretRedactor } from "./redact.ts";
import { ThinkSplitter } from "./think_tags.ts";
import type { Delta, ModelSettings, Usage } from "./types.ts";

export interface AssemblerOptions {
  /** Taken out of the text wherever the model writes it. */
  secret?: string;
  /** Deltas of one kind that arrive together are joined up to this many characters. */
  bufferSize: number;
  /** Told of chunks that could not be read (they are skipped). */
  onMalformed?: (data: string) => void;
}

export class DeltaAssembler {
  finishReason: string | undefined;
  usage: Usage | undefined;
  /** The stream said `[DONE]`. */
  sawDoneMarker = false;
  /** An error the stream reported, raised once the text before it has been taken. */
  failure: LlmError | undefined;
  #sawAnswer = false;
  #sawThinking = false;
  readonly #inlineThinking = new ThinkSplitter();
  readonly #redactors: Record<Delta["kind"], SecretRedactor | undefined>;

  constructor(private readonly options: AssemblerOptions) {
    // One redactor per kind: each kind is a text of its own, and a key may straddle its deltas.
    this.#redactors = { content: redactorFor(options.secret), reasoning: redactorFor(options.secret) };
  }

  /** The deltas of these chunks; stops at an upstream error (kept in `failure`). */
  take(chunks: UpstreamChunk[]): Delta[] {
    const pieces: Delta[] = [];
    for (const chunk of chunks) {
      if (this.failure) break;
      if (chunk.kind === "done") this.sawDoneMarker = true;
      else if (chunk.kind === "error") {
        this.failure = reportedError(chunk.message, this.options.secret, chunk.type, chunk.code);
      } else if (chunk.kind === "malformed") this.options.onMalformed?.(chunk.data);
      else {
        this.finishReason = chunk.finishReason ?? this.finishReason;
        this.usage = chunk.usage ?? this.usage;
        this.#add(pieces, "reasoning", chunk.reasoning);
        if (!chunk.text) continue;
        const split = this.#inlineThinking.push(chunk.text);
        this.#add(pieces, "reasoning", split.reasoning);
        this.#add(pieces, "content", split.content);
      }
    }
    return pieces;
  }

  /**
   * What was held back at the end (a possible tag or key that was not one). An answer cut at the
   * length limit before a word of it fails (in `failure`): its thinking used the whole budget.
   */
  end(settings: ModelSettings): Delta[] {
    const held = this.#inlineThinking.end();
    const pieces: Delta[] = [];
    for (const kind of ["reasoning", "content"] as const) {
      const redactor = this.#redactors[kind];
      const tail = redactor ? redactor.push(held[kind]) + redactor.end() : held[kind];
      this.#note(kind, tail);
      if (tail) pieces.push({ kind, text: tail });
    }
    if (this.finishReason === "length" && !this.#sawAnswer && this.#sawThinking) {
      this.failure ??= reasoningBudgetError(settings);
    }
    return pieces;
  }

  #add(pieces: Delta[], kind: Delta["kind"], raw: string): void {
    if (!raw) return;
    const text = this.#redactors[kind]?.push(raw) ?? raw;
    if (!text) return;
    this.#note(kind, text);
    const last = pieces.at(-1);
    if (last?.kind === kind && last.text.length + text.length <= this.options.bufferSize) last.text += text;
    else pieces.push({ kind, text });
  }

  #note(kind: Delta["kind"], text: string): void {
    if (kind === "content" && text.trim()) this.#sawAnswer = true;
    if (kind === "reasoning" && text) this.#sawThinking = true;
  }
}
