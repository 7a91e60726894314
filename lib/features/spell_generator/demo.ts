/** The demo model's spell: a phrase and its meaning, in the labelled form the page lays out. */
import type { Language } from "../../contract.ts";
import { type DemoRequest, pick } from "../demo_kit.ts";
import { SPELL_LABELS } from "./labels.ts";

const spells: Record<Language, Array<[string, string]>> = {
  en: [
    [
      "Umbra lumen, nox aeterna, open wide the hidden door!",
      "This spell calls on the balance of shadow and light. It opens what has been closed to you, but only for as long as the moon is visible.",
    ],
    [
      "By bat and bone and candle's glow, let what is hidden start to show!",
      "An old revealing charm, spoken over a candle. Whatever has been kept from you will slowly come into view before the wick burns out.",
    ],
    [
      "Thrice the raven, thrice the cat, grant me courage, just like that!",
      "A charm for bravery that borrows the boldness of night creatures. It steadies a shaking heart for one night.",
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
    [
      "三たびの鴉、三たびの猫、我に勇気を授け給え！",
      "夜の生き物の大胆さを借りる勇気の呪文。震える心を一晩だけ落ち着かせてくれる。",
    ],
  ],
};

export function demoAnswer({ language, random }: DemoRequest): string {
  const [phrase, meaning] = pick(spells[language], random);
  const labels = SPELL_LABELS[language];
  return `${labels.spell} ${phrase}\n${labels.meaning} ${meaning}`;
}
