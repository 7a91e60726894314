/** A small seeded generator and helpers, so a failing fuzz seed can be replayed. */
export function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  "a",
  "Z",
  " ",
  "\n",
  "\r",
  "\r\n",
  "\t",
  ":",
  "data:",
  "id:",
  '"',
  "\\",
  "{",
  "}",
  "[DONE]",
  "é",
  "こ",
  "ん",
  "🎃",
  "🦇",
  "\u0000",
  "\u2028",
  "\uFEFF",
  "<script>",
  "\ud800",
];

/** Random text of up to `max` pieces, mixing ASCII, SSE syntax, Japanese, emoji and oddities. */
export function randomText(random: () => number, max: number): string {
  let text = "";
  const length = Math.floor(random() * max);
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return text;
}

/** Splits bytes at random places into 1 to 8 pieces. */
export function randomSplit(random: () => number, bytes: Uint8Array): Uint8Array[] {
  const cuts = new Set<number>();
  const count = Math.floor(random() * 8);
  for (let i = 0; i < count; i++) cuts.add(Math.floor(random() * (bytes.length + 1)));
  const sorted = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
  const pieces: Uint8Array[] = [];
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] > sorted[i - 1]) pieces.push(bytes.slice(sorted[i - 1], sorted[i]));
  }
  return pieces;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
