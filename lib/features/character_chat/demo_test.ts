import { deepEqual, ok } from "node:assert/strict";
import { demoAnswer, formOf, personaOf } from "./demo.ts";
import table from "./demo_questions.json" with { type: "json" };
import strings from "./strings.json" with { type: "json" };

type Language = "en" | "ja";
type Row = [character: string, question: string, form: string, subject: string];

/** What an answer of each form has, in each language: the marks of answering in that form. */
const FORM_MARKS: Record<Language, Record<string, RegExp>> = {
  en: {
    who: /\b(I am|I'm|I was|[A-Z][a-z]+ (carved|made) me|friends are)\b/,
    where:
      /\b(in|on|at|beneath|under|near|above) (my |the |a |an )?([A-Z][a-z]+|castle|crypt|cottage|porch|laboratory|hut|village|hill)/,
    when: /\b(1[0-9]{3}|dusk|dawn|midnight|October|November|since|first light|tomorrow)\b/,
    why: /\bbecause\b/,
    how: /\b(by|simply|step)\b|^[0-9]\. /m,
    amount: /\b([0-9]+|one|two|three|twenty|hundred|thousand)\b/i,
    yes: /^(Yes|No)\b/,
    list: /^- \S/m,
    what: /./,
    greeting: /\b(hello|hi|good evening|welcome|well met)\b/i,
    thanks: /\b(welcome|thank)/i,
    feeling: /\b(well|great|happier|nicely)\b/i,
  },
  ja: {
    who: /わたしは|ぼくは|わたしを造った|という|って(いう)?女の子|だった|友は/,
    where: /(に|で)(住んで|眠|造られ|彫られ)|館よ|にいる/,
    when: /[0-9]+年|[一二三十]+月|日暮れ|夜明け|真夜中|明日|から/,
    why: /から|ため/,
    how: /には|こつ|[0-9]\. |方/,
    amount: /[0-9]+|[一二三四五六七八九十百千]+(歳|年)/,
    yes: /^(はい|ええ|うん|ああ|いや|いいえ|いいや)/,
    list: /^- \S/m,
    what: /./,
    greeting: /こんにちは|こんばんは|ようこそ|やっほー|挨拶|いらっしゃい/,
    thanks: /どういたしまして|ありがとう|礼には/,
    feeling: /元気|しあわせ|煮えて/,
  },
};

const rows = (language: Language) => table[language] as Row[];
const ask = (character: string, question: string, language: Language, earlierAnswers = "", seed = 0.3) =>
  demoAnswer({
    inputs: { character },
    language,
    lastUserMessage: question,
    earlierAnswers,
    random: () => seed,
  });

const sentences = (text: string) =>
  text.split(/(?<=[.!?。！？])\s*|\n+/).map((s) => s.trim()).filter((s) => s.length >= 10);

/** The answer says the question is outside its topics, and names at least two it can talk about instead. */
function declines(character: string, answer: string, language: Language): boolean {
  const persona = personaOf(character);
  const saysSo = persona.elsewhere.some((line) => answer.includes(line[language].slice(0, 12)));
  return saysSo && persona.topics.filter((topic) => answer.includes(topic.name[language])).length >= 2;
}

/** The answer repeats the question: a run of five of its words (English) or ten characters (Japanese). */
function echoes(question: string, answer: string, language: Language): boolean {
  if (language === "ja") {
    const bare = question.replace(/[、。！？!?\s]/g, "");
    if (bare.length < 10) return answer.includes(question.trim());
    for (let i = 0; i + 10 <= bare.length; i++) if (answer.includes(bare.slice(i, i + 10))) return true;
    return false;
  }
  const words = question.toLowerCase().match(/[a-z']+/g) ?? [];
  const said = ` ${(answer.toLowerCase().match(/[a-z']+/g) ?? []).join(" ")} `;
  if (words.length < 5) return said.includes(` ${words.join(" ")} `);
  for (let i = 0; i + 5 <= words.length; i++) {
    if (said.includes(` ${words.slice(i, i + 5).join(" ")} `)) return true;
  }
  return false;
}

for (const language of ["en", "ja"] as const) {
  Deno.test(`demo chat (${language}): the table holds at least 60 questions, every character and form`, () => {
    ok(rows(language).length >= 60, `${rows(language).length}`);
    deepEqual(
      new Set(rows(language).map((row) => row[0])),
      new Set(["dracula", "witch", "jack", "frankenstein", "ghost"]),
    );
    for (const form of [...Object.keys(FORM_MARKS[language]), "elsewhere"]) {
      ok(rows(language).some((row) => row[2] === form), `no ${form} question`);
    }
  });

  Deno.test(`demo chat (${language}): each answer is in the question's form and names its subject`, () => {
    const failures: string[] = [];
    for (const [character, question, form, subject] of rows(language)) {
      for (const seed of [0, 0.5, 0.99]) {
        const answer = ask(character, question, language, "", seed);
        const problem = form === "elsewhere"
          ? (declines(character, answer, language) ? "" : "does not say what it can talk about")
          : !FORM_MARKS[language][form].test(answer)
          ? `not a ${form} answer`
          : !answer.toLowerCase().includes(subject.toLowerCase())
          ? `does not name "${subject}"`
          : "";
        if (problem) failures.push(`${character} «${question}» → «${answer}»: ${problem}`);
      }
    }
    deepEqual(failures, []);
  });

  Deno.test(`demo chat (${language}): a question outside the topics is never answered as another`, () => {
    for (const [character, question, form] of rows(language).filter((row) => row[2] === "elsewhere")) {
      const answer = ask(character, question, language);
      ok(!FORM_MARKS[language].yes.test(answer), `${question} → ${answer}`);
      ok(!/^- /m.test(answer), answer);
      ok(form === "elsewhere");
    }
  });

  Deno.test(`demo chat (${language}): no answer echoes its question`, () => {
    for (const [character, question, form] of rows(language)) {
      if (form === "greeting" || form === "thanks" || form === "feeling") continue; // a greeting is answered with one
      const answer = ask(character, question, language);
      ok(!echoes(question, answer, language), `${character} «${question}» → «${answer}»`);
    }
  });

  Deno.test(`demo chat (${language}): asked the same again, nothing of the first answer is said again`, () => {
    for (const [character, question] of rows(language)) {
      const first = ask(character, question, language);
      const second = ask(character, question, language, first);
      ok(second.trim().length > 0, question);
      const repeated = sentences(second).filter((sentence) => first.includes(sentence));
      deepEqual(repeated, [], `${character} «${question}»: «${first}» then «${second}»`);
    }
  });

  Deno.test(`demo chat (${language}): every suggested opener is answered on topic, in one conversation without repeats`, () => {
    const catalog = strings[language] as Record<string, string>;
    for (const character of ["dracula", "witch", "jack", "frankenstein", "ghost"]) {
      const openers = catalog[`chat.suggest.${character}`].split("|");
      let said = "";
      for (const opener of openers) {
        ok(formOf(opener, language).form !== "remark", opener);
        const answer = ask(character, opener, language, said, Math.random());
        ok(!declines(character, answer, language), `${character} «${opener}» was not understood: ${answer}`);
        for (const sentence of sentences(answer)) {
          ok(!said.includes(sentence), `${character}: said twice: ${sentence}`);
        }
        said += `\n${answer}`;
      }
    }
  });
}

Deno.test("demo chat: what the question is, in both languages", () => {
  const cases: Array<[string, "en" | "ja", string]> = [
    ["Hello there", "en", "greeting"],
    ["Hello, where do you live?", "en", "where"],
    ["Can you tell me where you live?", "en", "where"],
    ["How old is your castle?", "en", "amount"],
    ["こんばんは、伯爵", "ja", "greeting"],
    ["好きなお菓子は？", "ja", "what"],
    ["壁を通り抜けられる？", "ja", "yes"],
    ["どうして鏡を避けるの？", "ja", "why"],
  ];
  for (const [message, language, form] of cases) deepEqual(formOf(message, language).form, form, message);
});
