/**
 * Some servers leave a reasoning model's thinking inline in the answer, as `<think>…</think>` at
 * its start (DeepSeek-R1 and QwQ through servers without a reasoning parser). This splits the
 * content stream into thinking and answer as it arrives, holding back only what could be the
 * start of a tag.
 */
export interface Split {
  reasoning: string;
  content: string;
}

const OPEN = "<think>";
const CLOSE = "</think>";

export class ThinkSplitter {
  /**
   * before: nothing but whitespace seen yet; thinking: inside the block; after: right after it
   * (whitespace there is dropped); answer: the answer (or there was no block).
   */
  #state: "before" | "thinking" | "after" | "answer" = "before";
  #held = "";

  push(text: string): Split {
    let rest = this.#held + text;
    this.#held = "";
    const out: Split = { reasoning: "", content: "" };
    while (rest) {
      if (this.#state === "answer") {
        out.content += rest;
        break;
      }
      if (this.#state === "after") {
        rest = rest.replace(/^\s+/, "");
        if (rest) this.#state = "answer";
        continue;
      }
      if (this.#state === "before") {
        const start = rest.trimStart();
        if (start.startsWith(OPEN)) {
          this.#state = "thinking";
          rest = start.slice(OPEN.length);
          continue;
        }
        if (start === "" || OPEN.startsWith(start)) {
          this.#held = rest; // whitespace, or the tag's beginning: wait for more
          break;
        }
        this.#state = "answer";
        continue;
      }
      const end = rest.indexOf(CLOSE);
      if (end >= 0) {
        out.reasoning += rest.slice(0, end);
        rest = rest.slice(end + CLOSE.length);
        this.#state = "after";
        continue;
      }
      const keep = partialTail(rest, CLOSE);
      out.reasoning += rest.slice(0, rest.length - keep);
      this.#held = rest.slice(rest.length - keep);
      break;
    }
    return out;
  }

  /** The end of the stream: what was held back is what it seemed to be. */
  end(): Split {
    const held = this.#held;
    this.#held = "";
    return this.#state === "thinking" ? { reasoning: held, content: "" } : { reasoning: "", content: held };
  }
}

/** The length of the longest end of `text` that begins `tag`. */
function partialTail(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
    if (tag.startsWith(text.slice(text.length - length))) return length;
  }
  return 0;
}
