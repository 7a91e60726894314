/**
 * The demo model's spell: a phrase and its meaning, in the labelled form the page lays out. The
 * spell follows its purpose: a charm for what the purpose is about (finding, courage, sleep…), its
 * meaning naming the purpose; with no purpose, a spell of the night.
 */
import type { Language } from "../../shared/contract.ts";
import { type DemoRequest, fill, pick, quoted } from "../demo_kit.ts";
import { SPELL_LABELS } from "./labels.ts";

interface Charm {
  /** Words in a purpose that call for this charm. */
  about: RegExp;
  en: Array<[string, string]>;
  ja: Array<[string, string]>;
}

const CHARMS: Charm[] = [
  {
    about: /find|lost|key|search|missing|見つ|探|失く|なくし|鍵/i,
    en: [[
      "By bat and bone and candle's glow, let what is hidden start to show!",
      "A finding charm for {purpose}. Say it over a lit candle: before the wick burns out, what you seek will catch the light.",
    ]],
    ja: [[
      "蝙蝠と骨と蝋燭の灯よ、隠れしものを今ここに示せ！",
      "{purpose}ための探し物の呪文。灯した蝋燭に向かって唱えれば、芯が燃え尽きる前に探し物が光を受けて姿を現す。",
    ]],
  },
  {
    about: /courage|brave|fear|scared|afraid|nervous|勇気|怖|不安|緊張/i,
    en: [[
      "Thrice the raven, thrice the cat, grant me courage, just like that!",
      "A charm of courage for {purpose}. It borrows the boldness of night creatures and steadies a shaking heart until sunrise.",
    ]],
    ja: [[
      "三たびの鴉、三たびの猫、我に勇気を授け給え！",
      "{purpose}ための勇気の呪文。夜の生き物の大胆さを借りて、震える心を夜明けまで落ち着かせる。",
    ]],
  },
  {
    about: /sleep|dream|night ?mare|rest|tired|眠|夢|休/i,
    en: [[
      "Hush, owl; hush, moon; bring me gentle dreams soon.",
      "A sleeping charm for {purpose}. Whisper it to your pillow: the owl keeps watch and only kind dreams get past.",
    ]],
    ja: [[
      "静まれ梟、静まれ月よ、やさしき夢を今ここに。",
      "{purpose}ための眠りの呪文。枕にささやけば、梟が見張りをして、やさしい夢だけを通してくれる。",
    ]],
  },
  {
    about: /love|friend|crush|heart|date|恋|友|好き|仲/i,
    en: [[
      "Two candles, one flame, let our hearts burn the same!",
      "A charm of hearts for {purpose}. Light two candles side by side; while they burn, kind words come easily.",
    ]],
    ja: [[
      "二つの蝋燭、ひとつの炎、ふたつの心を同じ灯に！",
      "{purpose}ための心の呪文。二本の蝋燭を並べて灯せば、燃えている間は優しい言葉が自然に出てくる。",
    ]],
  },
  {
    about: /exam|test|luck|win|study|work|job|money|試験|テスト|運|勝|勉強|仕事|お金/i,
    en: [[
      "Black cat, cross my way the lucky way today!",
      "A luck charm for {purpose}. Said at dawn, it turns a black cat's crossing into good fortune until dusk.",
    ]],
    ja: [[
      "黒猫よ、今日だけは幸運の道を横切れ！",
      "{purpose}ための幸運の呪文。夜明けに唱えれば、黒猫が道を横切っても日暮れまで幸運が続く。",
    ]],
  },
  {
    about: /protect|safe|guard|ghost|monster|evil|守|安全|お化け|魔/i,
    en: [[
      "Salt and iron, ash and bell, keep me safe and keep me well!",
      "A warding charm for {purpose}. Draw a circle of salt and ring a small bell: nothing unkind may cross it tonight.",
    ]],
    ja: [[
      "塩と鉄、灰と鐘、我を守り、災いを退けよ！",
      "{purpose}ための守りの呪文。塩で円を描き小さな鐘を鳴らせば、今夜は悪しきものがその円を越えられない。",
    ]],
  },
];

/** Any other purpose: a general charm that names it. */
const ANY_PURPOSE: Record<Language, Array<[string, string]>> = {
  en: [[
    "Umbra lumen, nox aeterna, grant tonight what I ask of you!",
    "A general charm for {purpose}, calling on the balance of shadow and light. It works for as long as the moon is visible.",
  ]],
  ja: [[
    "闇よ光よ、永遠の夜よ、今宵わが願いを叶え給え！",
    "{purpose}ための呪文。影と光の均衡に呼びかけ、月が見えている間だけ効き目がある。",
  ]],
};

/** No purpose at all: a spell of the night itself. */
const NIGHT: Record<Language, Array<[string, string]>> = {
  en: [
    [
      "Umbra lumen, nox aeterna, open wide the hidden door!",
      "This spell calls on the balance of shadow and light. It opens what has been closed to you, but only for as long as the moon is visible.",
    ],
    [
      "By bat and bone and candle's glow, let what is hidden start to show!",
      "An old revealing charm, spoken over a candle. Whatever has been kept from you will slowly come into view before the wick burns out.",
    ],
  ],
  ja: [
    [
      "闇よ光よ、永遠の夜よ、秘められし扉を開け給え！",
      "影と光の均衡に呼びかける呪文。閉ざされていたものを開くが、その効き目は月が見えている間だけ。",
    ],
    [
      "蝙蝠と骨と蝋燭の灯よ、隠れしものを今ここに示せ！",
      "蝋燭に向かって唱える古い顕現の呪い。隠されていたものが、芯が燃え尽きる前にゆっくりと姿を現す。",
    ],
  ],
};

export function demoAnswer({ inputs, language, random }: DemoRequest): string {
  const purpose = (inputs.purpose ?? "").trim();
  const charm = purpose ? CHARMS.find((c) => c.about.test(purpose)) : undefined;
  const bank = charm ? charm[language] : purpose ? ANY_PURPOSE[language] : NIGHT[language];
  const [phrase, meaning] = pick(bank, random);
  const labels = SPELL_LABELS[language];
  const named = language === "ja" ? `${quoted(purpose, language)}の` : quoted(purpose, language);
  return `${labels.spell} ${phrase}\n${labels.meaning} ${fill(meaning, { purpose: named })}`;
}
