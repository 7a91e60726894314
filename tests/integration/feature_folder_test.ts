/**
 * A feature is one folder: in a copy of the project, a throwaway feature is added by writing
 * `lib/features/echo_test/` and nothing else. After `deno task build`, the app serves it end to
 * end: JSON and stream answers from the demo model (with its own thinking), validation, its tab
 * and panel in both languages, and its styles in the stylesheet.
 */
import { equal, match, ok } from "node:assert/strict";
import { startMain } from "../support/main_process.ts";
import { readSse } from "../support/sse_client.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

const FOLDER: Record<string, string> = {
  "mod.ts": `import { z } from "zod";
import { defineFeature } from "../feature.ts";
import { optionalText } from "../fields.ts";

export default defineFeature<{ word?: string }>({
  name: "echo-test",
  order: 99,
  schema: z.object({ word: optionalText("word", 20) }),
  settings: { temperature: 0.1, maxTokens: 50 },
  shelf: () => "echo-test",
  continues: () => false,
  systemPrompt: () => "Repeat the word.",
  userMessage: (input) => input.word ?? "nothing",
  demo: ({ inputs, language }) => (language === "ja" ? "こだま：" : "echo: ") + inputs.word,
  demoAsked: { en: "a word to echo", ja: "こだまの依頼" },
  demoInputs: (input) => ({ word: input.word ?? "" }),
});
`,
  "panel.tsx": `import type { PanelEntry, PanelProps } from "../panel.ts";

function EchoPanel({ t }: PanelProps) {
  return <p class="echo-test-intro">{t("echo.intro")}</p>;
}

export default { name: "echo-test", icon: "🔁", Panel: EchoPanel } satisfies PanelEntry;
`,
  "strings.json": JSON.stringify({
    en: { "feature.echo-test": "Echo chamber", "echo.intro": "Say a word and hear it back." },
    ja: { "feature.echo-test": "こだまの部屋", "echo.intro": "言葉を言うと返ってきます。" },
  }),
  "styles.css": ".echo-test-intro {\n  letter-spacing: 0.3em;\n}\n",
};

/** The project's files as committed (and as they stand in the work tree), in a new folder. */
async function copyProject(): Promise<string> {
  const listed = await new Deno.Command("git", {
    args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  const copy = await Deno.makeTempDir({ prefix: "kabotan-feature-" });
  for (const file of new TextDecoder().decode(listed.stdout).split("\0").filter(Boolean)) {
    const from = `${ROOT}${file}`;
    if (!(await Deno.stat(from).catch(() => undefined))?.isFile) continue;
    await Deno.mkdir(`${copy}/${file.split("/").slice(0, -1).join("/")}`, { recursive: true });
    await Deno.copyFile(from, `${copy}/${file}`);
  }
  return copy;
}

/** Writes the throwaway feature's folder into the copy, with `changes` to its files. */
async function writeFolder(copy: string, changes: Record<string, string> = {}): Promise<void> {
  await Deno.mkdir(`${copy}/lib/features/echo_test`);
  for (const [file, text] of Object.entries({ ...FOLDER, ...changes })) {
    await Deno.writeTextFile(`${copy}/lib/features/echo_test/${file}`, text);
  }
}

/** `deno task build` in the copy. */
async function build(copy: string): Promise<{ code: number; stderr: string }> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "dev.ts", "build"],
    cwd: copy,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code, stderr: new TextDecoder().decode(stderr) };
}

Deno.test({
  name: "a feature added as one folder works end to end: API, stream, page in both languages, demo",
  sanitizeResources: false,
  async fn() {
    const copy = await copyProject();
    try {
      const before = (await new Deno.Command("git", { args: ["status", "--porcelain"], cwd: ROOT }).output())
        .stdout;
      await writeFolder(copy);
      const built = await build(copy);
      equal(built.code, 0, built.stderr);
      const app = await startMain({ LLM_PROVIDER: "demo", DEMO_REASONING: "true" }, undefined, {
        root: copy,
      });
      try {
        const json = await fetch(`${app.url}/api/echo-test`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: app.url },
          body: JSON.stringify({ word: "boo", language: "ja" }),
        });
        equal(json.status, 200);
        const answer = await json.json();
        equal(answer.content, "こだま：boo");
        match(answer.reasoning, /こだまの依頼/, "the demo thinks in the feature's own words");

        const streamed = await readSse(await fetch(`${app.url}/api/echo-test-stream?word=moo`));
        equal(streamed.text, "echo: moo");

        const bad = await fetch(`${app.url}/api/echo-test`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: app.url },
          body: JSON.stringify({ word: "x".repeat(21) }),
        });
        equal(bad.status, 400);
        equal((await bad.json()).field, "word");

        for (
          const [language, tab, intro] of [
            ["en", "Echo chamber", "Say a word and hear it back."],
            ["ja", "こだまの部屋", "言葉を言うと返ってきます。"],
          ]
        ) {
          const page = await (await fetch(`${app.url}/?tab=echo-test`, {
            headers: { "accept-language": language },
          })).text();
          ok(page.includes(`data-feature="echo-test"`), "its tab is on the page");
          ok(page.includes(tab), `its tab reads ${tab}`);
          ok(page.includes(intro), `its panel says ${intro}`);
          const style = page.match(/href="(\/static\/build\/styles-[^"]+\.css)"/)?.[1];
          ok(style, "the page links its stylesheet");
          ok((await (await fetch(`${app.url}${style}`)).text()).includes(".echo-test-intro"));
        }
      } finally {
        await app.stop();
      }
      const after = (await new Deno.Command("git", { args: ["status", "--porcelain"], cwd: ROOT }).output())
        .stdout;
      equal(new TextDecoder().decode(after), new TextDecoder().decode(before), "this project is untouched");
    } finally {
      await Deno.remove(copy, { recursive: true });
    }
  },
});

Deno.test("a feature folder whose strings miss a language stops the build, not the page", async () => {
  const copy = await copyProject();
  try {
    await writeFolder(copy, {
      "strings.json": JSON.stringify({
        en: { "feature.echo-test": "Echo", "echo.intro": "Hi" },
        ja: { "feature.echo-test": "こだま" },
      }),
    });
    const built = await build(copy);
    ok(built.code !== 0, "the build fails");
    match(built.stderr, /echo_test\/strings\.json: "ja" lacks \[echo\.intro\]/);
  } finally {
    await Deno.remove(copy, { recursive: true });
  }
});
