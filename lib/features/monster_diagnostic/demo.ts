/**
 * The demo model's diagnosis, by visible rules: each of the four answers is read for signs of a
 * monster (sleeping by day, fearing mirrors, loving raw meat…); the monster with the most signs
 * wins, and one that an answer rules out (a garlic lover is no vampire) never does. The analysis
 * says which answer pointed where, in whole sentences in either language; a follow-up question is
 * answered about the diagnosis.
 */
import type { Language } from "../../shared/contract.ts";
import { type DemoRequest, quoted } from "../demo_kit.ts";
import { MONSTER_LABELS } from "./labels.ts";

type Monster = "vampire" | "werewolf" | "ghost" | "mummy" | "witch" | "creature";
type Field = "favorite_food" | "sleep_schedule" | "hobby" | "fear";

/** Ties go to the monster listed first. */
const MONSTERS: readonly Monster[] = ["vampire", "werewolf", "ghost", "witch", "mummy", "creature"];

const NAMES: Record<Language, Record<Monster, string>> = {
  en: {
    vampire: "Vampire",
    werewolf: "Werewolf",
    ghost: "Ghost",
    mummy: "Mummy",
    witch: "Witch",
    creature: "Frankenstein's Creature",
  },
  ja: {
    vampire: "ヴァンパイア",
    werewolf: "狼男",
    ghost: "幽霊",
    mummy: "ミイラ",
    witch: "魔女",
    creature: "フランケンシュタインの怪物",
  },
};

const FACTS: Record<Language, Record<Monster, string>> = {
  en: {
    vampire: "Bram Stoker's Dracula was published in 1897, but vampire folklore is centuries older.",
    werewolf: "The word 'werewolf' comes from Old English 'wer' (man) and 'wulf' (wolf).",
    ghost: "Many old theatres keep a single 'ghost light' burning on stage all night.",
    mummy: "Ancient Egyptian embalmers removed the brain through the nose.",
    witch: "The pointed hat came to stand for witches in the illustrations of the 1800s.",
    creature: "Mary Shelley was eighteen when she began writing Frankenstein, in 1816.",
  },
  ja: {
    vampire: "ブラム・ストーカーの『ドラキュラ』は1897年の出版だが、吸血鬼の伝承はそれより何世紀も古い。",
    werewolf: "英語の「werewolf」は古英語の「wer（人）」と「wulf（狼）」に由来する。",
    ghost: "多くの古い劇場では、夜通し舞台に「ゴーストライト」を一つ灯しておく習わしがある。",
    mummy: "古代エジプトの職人は、脳を鼻から取り出してミイラを作った。",
    witch: "とんがり帽子が魔女の目印になったのは、19世紀の挿絵からだと言われる。",
    creature: "メアリー・シェリーが『フランケンシュタイン』を書き始めたのは1816年、18歳のときだった。",
  },
};

/** A sign: words in an answer (either language), what they point to, and why, in a sentence. */
interface Sign {
  field: Field;
  words: RegExp;
  points: Partial<Record<Monster, number>>;
  /** Why, as a sentence; `{answer}` is the reader's own words. */
  because: Record<Language, string>;
}

const SIGNS: Sign[] = [
  {
    field: "favorite_food",
    words: /garlic|にんにく|ニンニク/i,
    points: { vampire: -100, witch: 1 },
    because: {
      en: "Anyone who enjoys {answer} is certainly no vampire.",
      ja: "{answer}が好きなら、吸血鬼でないことは確かです。",
    },
  },
  {
    field: "favorite_food",
    words: /blood|tomato|red wine|beet|血|トマト|赤ワイン/i,
    points: { vampire: 2 },
    because: {
      en: "A taste for {answer} runs in the family of vampires.",
      ja: "{answer}を好むのは吸血鬼の血筋です。",
    },
  },
  {
    field: "favorite_food",
    words: /meat|steak|bone|jerky|sausage|\bham\b|肉|ステーキ|骨|ソーセージ/i,
    points: { werewolf: 2 },
    because: { en: "{answer} is what a wolf dreams of.", ja: "{answer}は狼の大好物です。" },
  },
  {
    field: "favorite_food",
    words: /soup|stew|tea|herb|potion|porridge|スープ|シチュー|お茶|紅茶|ハーブ|薬/i,
    points: { witch: 2 },
    because: {
      en: "{answer} simmers in every witch's cauldron.",
      ja: "{answer}は魔女の大釜でいつも煮えています。",
    },
  },
  {
    field: "favorite_food",
    words: /honey|\bdates?\b|bread|\bfigs?\b|蜂蜜|はちみつ|パン|なつめ|いちじく/i,
    points: { mummy: 2 },
    because: {
      en: "{answer} was packed in the tombs of the pharaohs.",
      ja: "{answer}はファラオの墓にも納められていました。",
    },
  },
  {
    field: "favorite_food",
    words: /nothing|\bair\b|mist|fog|何も|空気|霧/i,
    points: { ghost: 2 },
    because: { en: "Living on {answer} is a ghost's diet.", ja: "{answer}で足りるのは幽霊だけです。" },
  },
  {
    field: "sleep_schedule",
    words: /day|noon|dawn|morning|coffin|昼|朝|夜明け|棺/i,
    points: { vampire: 2, ghost: 1 },
    because: {
      en: "Your hours, {answer}, keep the sun out of your life.",
      ja: "睡眠は{answer}。太陽とは縁のない暮らしです。",
    },
  },
  {
    field: "sleep_schedule",
    words: /moon|restless|irregular|whenever|満月|月|不規則|気まぐれ/i,
    points: { werewolf: 2 },
    because: {
      en: "Hours that follow {answer} follow the moon.",
      ja: "睡眠が{answer}なのは、月に従う者のしるしです。",
    },
  },
  {
    field: "sleep_schedule",
    words: /never|don't|do not|no sleep|眠らない|寝ない|眠れない/i,
    points: { ghost: 2 },
    because: {
      en: "Sleep? {answer}: only the restless dead can say so.",
      ja: "睡眠は{answer}。眠らずにさまようのは幽霊だけです。",
    },
  },
  {
    field: "sleep_schedule",
    words: /centur|years|forever|long|sarcophag|何百年|何千年|ずっと|長く/i,
    points: { mummy: 2 },
    because: {
      en: "Sleeping {answer} is a habit of the tomb.",
      ja: "睡眠が{answer}というのは、墓の中の習慣です。",
    },
  },
  {
    field: "sleep_schedule",
    words: /midnight|late|night|witching|真夜中|夜中|深夜|夜/i,
    points: { witch: 1, vampire: 1 },
    because: {
      en: "Awake until {answer}, you keep the witching hour.",
      ja: "睡眠は{answer}。魔の刻に起きている人です。",
    },
  },
  {
    field: "hobby",
    words: /organ|opera|ballroom|waltz|piano|オルガン|オペラ|舞踏|ワルツ|ピアノ/i,
    points: { ghost: 2, vampire: 1 },
    because: {
      en: "{answer} echoes through every haunted hall.",
      ja: "{answer}は、どの幽霊屋敷にも響いています。",
    },
  },
  {
    field: "hobby",
    words: /\brun|\bhik|howl|\bhunt|forest|走|ハイキング|遠吠え|狩|森/i,
    points: { werewolf: 2 },
    because: {
      en: "{answer} is how a wolf spends the full moon.",
      ja: "{answer}は、狼が満月の夜にすることです。",
    },
  },
  {
    field: "hobby",
    words:
      /knit|garden|brew|potion|herb|\bcats?\b|astrolog|tarot|編み物|園芸|ガーデニング|薬草|猫|占い|タロット/i,
    points: { witch: 2 },
    because: { en: "{answer} is a witch's pastime.", ja: "{answer}は魔女の楽しみです。" },
  },
  {
    field: "hobby",
    words: /read|histor|museum|archaeolog|wrap|collect|読書|歴史|博物館|考古学|収集|コレクション/i,
    points: { mummy: 2 },
    because: {
      en: "{answer} suits someone with a few thousand years behind them.",
      ja: "{answer}は、数千年を生きた者にふさわしい趣味です。",
    },
  },
  {
    field: "hobby",
    words: /science|electr|tinker|build|robot|chemistry|科学|電気|工作|ロボット|化学/i,
    points: { creature: 2 },
    because: {
      en: "{answer} is how you were made, after all.",
      ja: "{answer}こそ、あなたが生まれた方法です。",
    },
  },
  {
    field: "hobby",
    words: /haunt|hide|rattl|walls|chain|かくれんぼ|物音|鎖|壁/i,
    points: { ghost: 2 },
    because: { en: "{answer} is a ghost's favourite game.", ja: "{answer}は幽霊のお気に入りの遊びです。" },
  },
  {
    field: "fear",
    words: /mirror|sun|daylight|stake|cross|holy water|鏡|太陽|日光|杭|十字架|聖水/i,
    points: { vampire: 2 },
    because: {
      en: "Fearing {answer} is what a vampire does best.",
      ja: "{answer}を恐れるのは吸血鬼の宿命です。",
    },
  },
  {
    field: "fear",
    words: /silver|bullet|\bdogs?\b|collar|銀|弾丸|犬|首輪/i,
    points: { werewolf: 2 },
    because: {
      en: "{answer} is the one thing a werewolf flees.",
      ja: "{answer}は狼男がただ一つ逃げ出すものです。",
    },
  },
  {
    field: "fear",
    words: /forgot|exorcis|salt|priest|light|忘れ|お祓い|塩|除霊|光/i,
    points: { ghost: 2 },
    because: { en: "Fearing {answer} is the worry of a ghost.", ja: "{answer}を恐れるのは幽霊の悩みです。" },
  },
  {
    field: "fear",
    words: /fire|torch|mob|villager|lightning|thunder|火|たいまつ|松明|群衆|村人|雷/i,
    points: { creature: 2 },
    because: {
      en: "{answer} has chased the creature since 1818.",
      ja: "{answer}は、1818年からずっと怪物を追いかけています。",
    },
  },
  {
    field: "fear",
    words: /water|\brain\b|\bbath|水|雨|風呂/i,
    points: { witch: 2 },
    because: {
      en: "{answer} is a danger every witch knows.",
      ja: "{answer}は、どの魔女も知っている危険です。",
    },
  },
  {
    field: "fear",
    words: /\bmoths?\b|tomb|robber|unwrap|\bdust\b|虫|墓|盗掘|包帯|ほこり/i,
    points: { mummy: 2 },
    because: { en: "{answer} is the nightmare of every mummy.", ja: "{answer}はミイラの悪夢です。" },
  },
];

/** The monster the four answers point to, and the signs that point there (or rule others out). */
export function diagnose(answers: Partial<Record<Field, string>>): { monster: Monster; signs: Sign[] } {
  const scores = new Map<Monster, number>(MONSTERS.map((m) => [m, 0]));
  const found: Sign[] = [];
  for (const sign of SIGNS) {
    if (!sign.words.test(answers[sign.field] ?? "")) continue;
    found.push(sign);
    for (const [monster, points] of Object.entries(sign.points) as Array<[Monster, number]>) {
      scores.set(monster, scores.get(monster)! + points);
    }
  }
  const best = Math.max(...scores.values());
  const monster = best > 0 ? MONSTERS.find((m) => scores.get(m) === best)! : "ghost";
  const signs = found.filter((sign) =>
    (sign.points[monster] ?? 0) > 0 || Object.values(sign.points).some((p) => p < 0)
  );
  return { monster, signs };
}

const NO_SIGN: Record<Language, string> = {
  en: "Your answers keep their secrets well, and a {monster} is best at that.",
  ja: "あなたの答えは秘密をよく守っています。それがいちばん得意なのは{monster}です。",
};

export function demoAnswer({ inputs, language: lang }: DemoRequest): string {
  const l = MONSTER_LABELS[lang];
  if (inputs.question) {
    return lang === "ja"
      ? `${
        quoted(inputs.question, lang)
      }についてですね。診断の結果から見ると、あなたは夜にこそ力を発揮するタイプです。無理をせず、月明かりの下で過ごす時間を大切にしてください。`
      : `About "${
        quoted(inputs.question, lang)
      }": judging by your diagnosis, you are at your best after dark. Take it slowly, and keep some moonlit hours for yourself.`;
  }
  const { monster, signs } = diagnose(inputs);
  const name = NAMES[lang][monster];
  const answer = (field: Field) =>
    lang === "ja" ? quoted(inputs[field] ?? "", lang) : `"${quoted(inputs[field] ?? "", lang)}"`;
  const sentences = signs.map((sign) => {
    const sentence = sign.because[lang].replace("{answer}", answer(sign.field));
    return lang === "en" ? sentence.charAt(0).toUpperCase() + sentence.slice(1) : sentence;
  });
  // Every answer is part of the reading, even one that points nowhere.
  const unread = (["favorite_food", "sleep_schedule", "hobby", "fear"] as const).filter((field) =>
    inputs[field] && !signs.some((sign) => sign.field === field)
  );
  const rest = unread.length === 0
    ? ""
    : lang === "ja"
    ? `${unread.map(answer).join("、")}は、どのモンスターにもありえる答えです。`
    : `${unread.map(answer).join(" and ")} could belong to any creature of the night.`;
  const verdict = lang === "ja"
    ? `すべてを合わせると、あなたは${name}です。`
    : `All told, you are a ${name}.`;
  const analysis = [
    ...(sentences.length ? sentences : [NO_SIGN[lang].replace("{monster}", name)]),
    ...(rest ? [rest] : []),
    verdict,
  ].join(lang === "ja" ? "" : " ");
  return `${l.type} ${name}\n${l.analysis} ${analysis}\n${l.fact} ${FACTS[lang][monster]}`;
}
