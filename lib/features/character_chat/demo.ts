/**
 * The demo model's chat: a character answers what it is asked, in its own voice. The question's
 * form (who, where, when, why, how, how many, yes or no, a list, a greeting, thanks) picks the kind
 * of line; its words pick the topic among the character's own (demo_topics.ts). A question outside
 * them gets an honest in-character reply naming what it can talk about, never an answer to another
 * question; nothing it said earlier in the conversation is said again.
 */
import type { Language } from "../../shared/contract.ts";
import { type DemoRequest, fill, pick, type Random } from "../demo_kit.ts";
import { type Persona, PERSONAS, type Said, type Slot, type Topic } from "./demo_topics.ts";

export type Form = Slot | "list" | "greeting" | "feeling" | "thanks" | "farewell" | "remark";

const FORMS: Record<Language, Array<[Form, RegExp]>> = {
  en: [
    ["feeling", /^how are you\b|^how do you do\b|^how('s| is) it going\b|^how have you been\b/],
    ["thanks", /\b(thank|thanks|thx)\b/],
    ["farewell", /\b(bye|goodbye|good night|goodnight|farewell|see you)\b/],
    [
      "list",
      /\blist\b|\bname (some|a few|three|four|five|all)\b|\bwhat (kinds?|sorts?) of\b|\bwhich (rooms|books|ones)\b/,
    ],
    ["amount", /\bhow (old|many|much|long|far|big|tall)\b/],
    ["why", /\bwhy\b|\bhow come\b/],
    ["who", /\bwho\b|\bwhose\b/],
    ["where", /\bwhere\b/],
    ["when", /\bwhen\b|\bwhat time\b|\bwhat year\b/],
    ["how", /\bhow\b/],
    ["what", /\bwhat\b|\bwhich\b|\btell me\b|\bdescribe\b|\bexplain\b/],
    ["yes", /^(do|does|did|can|could|are|is|was|were|will|would|have|has|should|may|might|am)\b/],
  ],
  ja: [
    ["feeling", /^(お?元気|調子はどう|ごきげんいかが)/],
    ["thanks", /ありがとう|感謝|サンキュー/],
    ["farewell", /さようなら|さよなら|またね|おやすみ|じゃあね|バイバイ/],
    ["list", /一覧|リスト|挙げて|あげて|並べて|箇条書き|何がある|どんな.{1,6}がある/],
    ["amount", /何歳|なんさい|いくつ|何人|何年|どのくらい|どれくらい|何冊|何匹/],
    ["why", /なぜ|どうして|なんで/],
    ["who", /誰|だれ|どなた/],
    ["where", /どこ|どちら/],
    ["when", /いつ|何時|なんじ/],
    ["how", /どうやって|どうすれば|方法|やり方|方を教え|方は/],
    ["what", /何|なに|なん|どんな|どう(なる|なの|だった)|教えて|聞かせて|言って|話して|は[？?]$/],
    ["yes", /[？?]$|[かの][。]?$/],
  ],
};

const GREETING: Record<Language, RegExp> = {
  en: /^(hi|hello|hey|greetings|good (evening|morning|afternoon)|howdy)\b[\s,.!]*/i,
  ja: /^(こんにちは|こんばんは|やあ|はじめまして|おはよう|どうも|ハロー)[、。！!\s]*/,
};

/** What kind of message it is: its form, and whether it opens with a greeting. */
export function formOf(message: string, language: Language): { form: Form; greeted: boolean } {
  const text = message.trim();
  const rest = text.replace(GREETING[language], "");
  const greeted = rest !== text;
  // "Hello", "Hello there", "こんばんは、伯爵": a greeting and at most a name.
  if (greeted && rest.split(/\s+/).filter(Boolean).length <= 2 && !/[?？]/.test(rest)) {
    return { form: "greeting", greeted };
  }
  const lower = rest.toLowerCase();
  for (const [form, pattern] of FORMS[language]) if (pattern.test(lower)) return { form, greeted };
  return { form: /[?？]\s*$/.test(rest) ? "what" : "remark", greeted };
}

/** The character's topic the message is about: the one whose words it has most of. */
export function topicOf(message: string, persona: Persona): Topic | undefined {
  let best: Topic | undefined;
  let most = 0;
  for (const topic of persona.topics) {
    const hits = message.match(new RegExp(topic.keys.source, "gi"))?.length ?? 0;
    if (hits > most) [best, most] = [topic, hits];
  }
  return best;
}

export function personaOf(character: string | undefined): Persona {
  return PERSONAS[character ?? ""] ?? PERSONAS.dracula;
}

export function demoAnswer(
  { inputs, language, lastUserMessage, earlierAnswers = "", previousAnswer = "", random }: DemoRequest,
): string {
  const persona = personaOf(inputs.character);
  const said = `${earlierAnswers}\n${previousAnswer}`;
  const voice = new Voice(language, said, random);
  const { form, greeted } = formOf(lastUserMessage, language);
  const topic = lastUserMessage.trim() ? topicOf(lastUserMessage, persona) : undefined;
  const parts: string[] = [];
  if (greeted) {
    parts.push(
      voice.line(persona.greet) ?? voice.fill(persona.again, { menu: menuOf(persona, undefined, voice) }),
    );
  }
  if (form === "greeting") return voice.join(parts);
  if (form === "feeling" || form === "thanks" || form === "farewell") {
    parts.push(voice.line(persona[form]) ?? voice.line(persona.close) ?? "");
    return voice.join(parts);
  }
  if (!lastUserMessage.trim()) {
    // Asked to go on: more of something it has not said yet.
    const untold = persona.topics.filter((each) => voice.fresh(each.lines.what, "").length > 0);
    if (untold.length === 0) return voice.line(persona.close) ?? "";
    parts.push(voice.line(pick(untold, random).lines.what)!);
  } else if (topic) {
    parts.push(answerAbout(topic, form, lastUserMessage, persona, voice));
  } else if (form === "remark") {
    parts.push(
      voice.line(persona.remark) ??
        voice.fill(persona.elsewhere[0], { menu: menuOf(persona, undefined, voice) }),
    );
  } else {
    const menu = menuOf(persona, undefined, voice);
    parts.push(
      voice.line(persona.elsewhere.map((line) => voice.filled(line, { menu }))) ??
        voice.fill(persona.again, { menu }),
    );
    return voice.join(parts);
  }
  const close = voice.line(persona.close);
  if (close) parts.push(close);
  return voice.join(parts);
}

/** The answer a topic gives to a question of this form, made of lines not said before. */
function answerAbout(topic: Topic, form: Form, question: string, persona: Persona, voice: Voice): string {
  if (topic.made) {
    for (let tries = 0; tries < 6; tries++) {
      const made = topic.made(voice.language, question, voice.random);
      if (!voice.said.includes(made)) return made;
    }
  }
  const list = topic.list && !voice.said.includes(topic.list.intro[voice.language]) ? topic.list : undefined;
  if (form === "list" && list) return voice.list(list.intro, list.items);
  const slot: Slot = form === "list" || form === "remark" ? "what" : form as Slot;
  const line = voice.line(topic.lines[slot] ?? [], question) ?? voice.line(topic.lines.what, question);
  if (line) return line;
  if (list) return voice.list(list.intro, list.items);
  for (const lines of Object.values(topic.lines)) {
    const other = voice.line(lines ?? [], question);
    if (other) return other;
  }
  return voice.fill(persona.spent, { name: topic.name[voice.language], menu: menuOf(persona, topic, voice) });
}

/** A few of the character's other topics, named its way: what it offers to talk about instead. */
function menuOf(persona: Persona, except: Topic | undefined, voice: Voice): string {
  const others = persona.topics.filter((topic) => topic !== except && !NAMELESS.test(topic.name.en));
  const untold = others.filter((topic) => voice.fresh(topic.lines.what, "").length > 0);
  const names = (untold.length >= 2 ? untold : others).slice(0, 4).map((topic) => topic.name[voice.language]);
  if (voice.language === "ja") return names.join("や");
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : names[0] ?? "";
}

/** A name is a topic to answer, not one to offer. */
const NAMELESS = /^my name$/;

/** Lines in one language, drawn so that nothing said before in the conversation is said again. */
class Voice {
  constructor(readonly language: Language, readonly said: string, readonly random: Random) {}

  /** The lines that fit the question and were not said yet. */
  fresh(lines: Said[], question: string): Said[] {
    return lines.filter((line) =>
      (!line.only || line.only.test(question)) && !this.said.includes(line[this.language])
    );
  }

  line(lines: Said[], question = ""): string | undefined {
    const fresh = this.fresh(lines, question);
    return fresh.length > 0 ? pick(fresh, this.random)[this.language] : undefined;
  }

  list(intro: Said, items: Said[]): string {
    return `${intro[this.language]}\n\n${items.map((item) => `- ${item[this.language]}`).join("\n")}\n`;
  }

  fill(line: Said, values: Record<string, string>): string {
    return this.filled(line, values)[this.language];
  }

  filled(line: Said, values: Record<string, string>): Said {
    return { en: fill(line.en, values), ja: fill(line.ja, values), only: line.only };
  }

  join(parts: string[]): string {
    const kept = parts.filter(Boolean);
    const glue = this.language === "ja" ? "" : " ";
    return kept.reduce(
      (text, part) => text ? `${text}${text.endsWith("\n") ? "\n" : glue}${part}` : part,
      "",
    );
  }
}
