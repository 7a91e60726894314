/**
 * Splits growing markdown into the part whose blocks are finished and the tail still being
 * written: the cut is the last blank line that is not inside a code fence. Finished blocks never
 * change as more text arrives, so they can be rendered once.
 */
export function splitFinished(text: string): { finished: string; tail: string } {
  let cut = -1;
  let inFence = false;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const end = text.indexOf("\n", lineStart);
    const line = text.slice(lineStart, end === -1 ? text.length : end);
    if (/^\s{0,3}(```|~~~)/.test(line)) inFence = !inFence;
    else if (!inFence && line.trim() === "" && end !== -1 && lineStart > 0) cut = end + 1;
    if (end === -1) break;
    lineStart = end + 1;
  }
  return cut === -1 ? { finished: "", tail: text } : { finished: text.slice(0, cut), tail: text.slice(cut) };
}
