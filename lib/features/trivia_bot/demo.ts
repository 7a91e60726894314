/** The demo model's trivia: two facts, labelled as the page expects. */
import { type Bank, type DemoRequest, pickSome } from "../demo_kit.ts";
import { FACT_LABEL } from "./labels.ts";

const triviaFacts: Bank = {
  en: [
    "Halloween grew out of Samhain, a Celtic festival marking the end of the harvest around 1 November.",
    "The first jack-o'-lanterns in Ireland and Scotland were carved from turnips, not pumpkins.",
    "Trick-or-treating echoes the medieval custom of 'souling', when people went door to door for soul cakes.",
    "In Mexico, Día de los Muertos on 1–2 November honours the dead with altars, marigolds and sugar skulls.",
    "Black cats became linked to Halloween through medieval European beliefs about witches' familiars.",
  ],
  ja: [
    "ハロウィンは、11月1日ごろに収穫の終わりを祝ったケルトの祭り「サウィン」に由来します。",
    "アイルランドやスコットランドの最初のジャック・オー・ランタンは、カボチャではなくカブで作られていました。",
    "トリック・オア・トリートは、中世に家々を回って「ソウルケーキ」をもらった「ソウリング」の習慣に似ています。",
    "メキシコの「死者の日」（11月1〜2日）には、祭壇やマリーゴールド、砂糖のドクロで故人をしのびます。",
    "黒猫がハロウィンと結びついたのは、魔女の使い魔に関する中世ヨーロッパの言い伝えのためです。",
  ],
};

export function demoAnswer({ language, random }: DemoRequest): string {
  const facts = pickSome(triviaFacts[language], 2, random);
  const intro = language === "ja" ? "ハロウィンの歴史へようこそ！" : "What a spooky question!";
  const outro = language === "ja"
    ? "もっと知りたければ、いつでも聞いてくださいね。"
    : "Ask me for a quiz question whenever you like!";
  return [intro, ...facts.map((fact) => `${FACT_LABEL[language]} ${fact}`), outro].join("\n");
}
