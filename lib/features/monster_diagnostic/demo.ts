/** The demo model's diagnosis: a monster type, an analysis woven from the answers, a fun fact; or a follow-up. */
import type { Language } from "../../shared/contract.ts";
import { type DemoRequest, pick, quoteOf } from "../demo_kit.ts";
import { MONSTER_LABELS } from "./labels.ts";

const monsters: Record<Language, Array<{ type: string; fact: string }>> = {
  en: [
    {
      type: "Vampire",
      fact: "Bram Stoker's Dracula was published in 1897, but vampire folklore is centuries older.",
    },
    { type: "Werewolf", fact: "The word 'werewolf' comes from Old English 'wer' (man) and 'wulf' (wolf)." },
    { type: "Ghost", fact: "Many old theatres keep a single 'ghost light' burning on stage all night." },
    { type: "Mummy", fact: "Ancient Egyptian embalmers removed the brain through the nose." },
  ],
  ja: [
    {
      type: "ヴァンパイア",
      fact: "ブラム・ストーカーの『ドラキュラ』は1897年の出版だが、吸血鬼の伝承はそれより何世紀も古い。",
    },
    { type: "狼男", fact: "英語の「werewolf」は古英語の「wer（人）」と「wulf（狼）」に由来する。" },
    {
      type: "幽霊",
      fact: "多くの古い劇場では、夜通し舞台に「ゴーストライト」を一つ灯しておく習わしがある。",
    },
    { type: "ミイラ", fact: "古代エジプトの職人は、脳を鼻から取り出してミイラを作った。" },
  ],
};

export function demoAnswer({ inputs, language: lang, random }: DemoRequest): string {
  const l = MONSTER_LABELS[lang];
  if (inputs.question) {
    return lang === "ja"
      ? `${
        quoteOf(inputs.question, lang)
      }についてですね。診断結果から見ると、あなたは夜にこそ力を発揮するタイプです。無理をせず、月明かりの下で過ごす時間を大切にしてください。`
      : `About ${
        quoteOf(inputs.question, lang)
      }: judging by your diagnosis, you are at your best after dark. Take it slowly, and keep some moonlit hours for yourself.`;
  }
  const monster = pick(monsters[lang], random);
  const analysis = lang === "ja"
    ? `${inputs.favorite_food || "好きな食べ物"}を好み、${inputs.sleep_schedule || "夜"}に眠り、${
      inputs.hobby || "趣味"
    }を楽しむあなたは、まさに${monster.type}の気質です。${
      inputs.fear || "恐れ"
    }を恐れるところも、夜の住人らしい繊細さの表れ。闇の中でこそ、あなたの魅力は輝きます。`
    : `Someone who loves ${inputs.favorite_food || "midnight snacks"}, sleeps ${
      inputs.sleep_schedule || "at odd hours"
    } and spends time on ${inputs.hobby || "mysterious hobbies"} is a born ${monster.type}. Your fear of ${
      inputs.fear || "the unknown"
    } shows the careful instincts of a creature of the night. In the dark, you truly shine.`;
  return `${l.type} ${monster.type}\n${l.analysis} ${analysis}\n${l.fact} ${monster.fact}`;
}
