/**
 * Text of any length in Deno KV, whose values hold at most 64 KiB: a text is written as a
 * segment of chunks under keys of its own, and a record lists its segments in order. Chunks are
 * written before the record that names them, so a reader sees a segment whole or not at all, and a
 * writer that loses its race leaves only chunks nothing names (deleted at once).
 */

/**
 * One piece of a message's text: inline (`text`, short text in the record itself), or in chunks
 * under `[...prefix, id, 0…chunks-1]`.
 */
export interface Segment {
  id: string;
  kind: "content" | "reasoning";
  chunks: number;
  text?: string;
}

/**
 * Characters per chunk: a KV value is serialized with two bytes per character for any text beyond
 * Latin-1 (Japanese), so 16,000 characters stay far below 64 KiB.
 */
export const CHUNK_CHARACTERS = 16_000;
/** Chunks per commit: an atomic commit is limited in size too. */
const CHUNKS_PER_COMMIT = 8;

export function segmentId(): string {
  return crypto.randomUUID().slice(0, 13);
}

/** Splits text into chunks, never between the two halves of a surrogate pair. */
export function chunksOf(text: string): string[] {
  const chunks: string[] = [];
  let at = 0;
  while (at < text.length) {
    let end = Math.min(text.length, at + CHUNK_CHARACTERS);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    chunks.push(text.slice(at, end));
    at = end;
  }
  return chunks;
}

/** Writes a text's chunks under `prefix`; returns its segment (none for empty text). */
export async function writeSegment(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  kind: Segment["kind"],
  text: string,
): Promise<Segment | undefined> {
  if (!text) return undefined;
  const segment: Segment = { id: segmentId(), kind, chunks: 0 };
  const chunks = chunksOf(text);
  for (let from = 0; from < chunks.length; from += CHUNKS_PER_COMMIT) {
    const op = kv.atomic();
    chunks.slice(from, from + CHUNKS_PER_COMMIT).forEach((chunk, i) =>
      op.set([...prefix, segment.id, from + i], chunk)
    );
    const result = await op.commit();
    if (!result.ok) throw new Error("could not write a text's chunks");
  }
  segment.chunks = chunks.length;
  return segment;
}

/** The keys of a segment's chunks. */
export function chunkKeys(prefix: Deno.KvKey, segment: Segment): Deno.KvKey[] {
  return Array.from({ length: segment.chunks }, (_, i) => [...prefix, segment.id, i]);
}

/** Reads the texts of these segments (each kind joined in order), ten keys a read. */
export async function readSegments(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  segments: readonly Segment[],
): Promise<{ content: string; reasoning: string }> {
  const keys = segments.flatMap((segment) => chunkKeys(prefix, segment));
  const values: string[] = [];
  for (let from = 0; from < keys.length; from += 10) {
    const entries = await kv.getMany<string[]>(keys.slice(from, from + 10));
    for (const entry of entries) values.push(typeof entry.value === "string" ? entry.value : "");
  }
  return joinSegments(segments, values);
}

/** Each kind's text, the segments in order: inline ones from the record, the others from their chunks' `values`. */
function joinSegments(
  segments: readonly Segment[],
  values: string[],
): { content: string; reasoning: string } {
  const text = { content: "", reasoning: "" };
  let at = 0;
  for (const segment of segments) {
    const joined = segment.text ?? values.slice(at, at + segment.chunks).join("");
    at += segment.chunks;
    text[segment.kind] += joined;
  }
  return text;
}

/** Deletes a segment's chunks. */
export async function deleteSegments(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  segments: readonly Segment[],
): Promise<void> {
  const keys = segments.flatMap((segment) => chunkKeys(prefix, segment));
  for (let from = 0; from < keys.length; from += CHUNKS_PER_COMMIT * 4) {
    const op = kv.atomic();
    for (const key of keys.slice(from, from + CHUNKS_PER_COMMIT * 4)) op.delete(key);
    await op.commit();
  }
}
