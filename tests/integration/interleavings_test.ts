/**
 * A property of the whole system: whatever a visitor does to one conversation — send, stop
 * (from either instance), continue, regenerate, clear, several sends at once — on two instances
 * sharing one KV file, the history the page shows after a reload is exactly what the readers
 * were shown. Seeded, so a failing run can be replayed (KABOTAN_SEED).
 */
import { deepEqual, equal } from "node:assert/strict";
import { TEST_ENV } from "../support/app_server.ts";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream } from "../support/fake_upstream.ts";
import { type MainProcess, startMain } from "../support/main_process.ts";
import { wholeConversation } from "../support/page_props.ts";
import { mulberry32 } from "../support/random.ts";
import { readSse } from "../support/sse_client.ts";

interface Turn {
  question: string;
  answer: string;
  unfinished: boolean;
}

const SHELF = "character-chat/ghost";
const OPERATIONS = 24;

const expectedOf = (turns: Turn[]) =>
  turns.flatMap((t) => [`u:${t.question}`, ...(t.answer ? [`a:${t.answer}${t.unfinished ? "…" : ""}`] : [])]);

Deno.test({
  name: "random interleavings on two instances: the history is what the readers were shown",
  sanitizeResources: false,
  async fn() {
    const seed = Number(Deno.env.get("KABOTAN_SEED") ?? Date.now() % 100_000);
    console.log(`seed ${seed}`);
    const random = mulberry32(seed);
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
    const upstream = new FakeUpstream();
    let served = 0;
    upstream.script = () => {
      const n = ++served;
      return { chunks: Array.from({ length: 24 }, (_, i) => `r${n}.${i} `), delayMs: 8 };
    };
    const env = {
      OPENAI_BASE_URL: upstream.baseURL,
      KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }),
      // The default poll (and so a 3 s lease): a live instance whose lease renewal waits out a busy KV
      // file (retried "database is locked") must not be taken for dead here; that case has its own test.
      STREAM_POLL_MS: "100",
      ...TEST_ENV,
    };
    const instances: MainProcess[] = [await startMain(env), await startMain(env)];
    const jar = new CookieJar();
    const turns: Turn[] = [];
    let asked = 0;
    const url = () => pick(instances).url;

    /** Reads an answer from one instance, stopping it from a random one after a few events when told. */
    const answer = async (body: Record<string, unknown>, stop: boolean) => {
      const id = crypto.randomUUID();
      let events = 0;
      let stopping: Promise<unknown> | undefined;
      const result = await readSse(
        await jar.post(`${url()}/api/character-chat-stream`, { character: "ghost", ...body, request_id: id }),
        () => {
          if (stop && ++events === 5) stopping = jar.post(`${url()}/api/streams/${id}/stop`, {});
        },
      );
      await stopping;
      // Stopped before the model finished, the answer is kept unfinished (the model's own end says "stop").
      const end = result.events.at(-1)?.payload;
      return { text: result.text, unfinished: !(end?.type === "done" && end.finish_reason === "stop") };
    };

    try {
      // The visitor's session first: questions sent at once by a browser share its cookie.
      await (await jar.post(`${url()}/api/set-language`, { language: "en" })).body?.cancel();
      for (let step = 0; step < OPERATIONS; step++) {
        const last = turns.at(-1);
        const kind = pick(["send", "send", "send", "burst", "continue", "regenerate", "clear"]);
        if (
          kind === "send" || (kind === "continue" && !last?.unfinished) || (kind === "regenerate" && !last)
        ) {
          const question = `q${++asked}`;
          const stop = random() < 0.4;
          const { text, unfinished } = await answer({ message: question }, stop);
          turns.push({ question, answer: text, unfinished });
        } else if (kind === "continue") {
          const { text, unfinished } = await answer(
            { message: last!.question, continue: true },
            random() < 0.3,
          );
          last!.answer += text;
          last!.unfinished = unfinished;
        } else if (kind === "regenerate") {
          const { text, unfinished } = await answer({ message: last!.question, regenerate: true }, false);
          last!.answer = text;
          last!.unfinished = unfinished;
        } else if (kind === "clear") {
          await (await jar.fetch(`${url()}/api/history/${SHELF}`, { method: "DELETE" })).body?.cancel();
          turns.length = 0;
        } else {
          // Two to four questions at once, on both instances: each keeps its own answer; the
          // stored order is the order they were stored in, which the page then tells.
          const questions = Array.from({ length: 2 + Math.floor(random() * 3) }, () => `q${++asked}`);
          const answers = await Promise.all(
            questions.map((question) => answer({ message: question }, false)),
          );
          const shown = await wholeConversation(jar.fetch, url(), SHELF);
          const order = shown.filter((m) => questions.includes(m.slice(2))).map((m) => m.slice(2));
          deepEqual(
            [...order].sort(),
            [...questions].sort(),
            `step ${step}: every question of the burst is kept`,
          );
          for (const question of order) {
            const { text, unfinished } = answers[questions.indexOf(question)];
            turns.push({ question, answer: text, unfinished });
          }
        }
        const shown = await wholeConversation(jar.fetch, url(), SHELF);
        const expected = expectedOf(turns);
        if (JSON.stringify(shown) !== JSON.stringify(expected)) {
          console.log(JSON.stringify({ step, kind, shown, expected }, null, 1));
        }
        deepEqual(shown, expected, `seed ${seed}, step ${step} (${kind})`);
      }
      equal(asked > 0, true, "questions were asked");
    } finally {
      for (const instance of instances) await instance.stop();
      await upstream.close();
    }
  },
});
