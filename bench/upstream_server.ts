/**
 * The scripted fake upstream in a process of its own:
 * `deno run -A bench/upstream_server.ts CHUNKS DELAY_MS [words|markdown|burst]`.
 */
import { FakeUpstream } from "../tests/support/fake_upstream.ts";
import { chunkFrame, DONE_FRAME } from "../lib/llm/wire.ts";

const [chunks = "5000", delayMs = "0", shape = "words"] = Deno.args;
const upstream = new FakeUpstream();
// "markdown": a title, paragraphs every 40 words and some emphasis, as a story would have.
const words = Array.from(
  { length: Number(chunks) },
  (_, i) =>
    shape === "markdown"
      ? (i === 0 ? "# A long tale\n\n" : "") + (i % 7 === 3 ? `**w${i}** ` : `w${i} `) +
        (i % 40 === 39 ? "\n\n" : "")
      : `w${i} `,
);
if (shape === "burst") {
  // Every delta in one write: the relay reads them all at once.
  const identity = { id: "fake", created: 0, model: "fake" };
  const frames = words.map((word) => chunkFrame(identity, { content: word })).join("") +
    chunkFrame(identity, {}, "stop") + DONE_FRAME;
  upstream.use({ frames: [frames] });
} else {
  upstream.use({ chunks: words, delayMs: Number(delayMs) });
}
console.log(JSON.stringify({ baseURL: upstream.baseURL }));
