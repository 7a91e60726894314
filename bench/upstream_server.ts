/** The scripted fake upstream in a process of its own: `deno run -A bench/upstream_server.ts CHUNKS DELAY_MS`. */
import { FakeUpstream } from "../tests/support/fake_upstream.ts";

const [chunks = "5000", delayMs = "0"] = Deno.args;
const upstream = new FakeUpstream();
const words = Array.from({ length: Number(chunks) }, (_, i) => `w${i} `);
upstream.use({ chunks: words, delayMs: Number(delayMs) });
console.log(JSON.stringify({ baseURL: upstream.baseURL }));
