/**
 * The demo model's story: a title and paragraphs in the chosen style, woven around the name and the
 * theme — the theme named once, as a story would, and called back by a few words of the style's
 * own after that ("the old whisper", "the whole business").
 */
import { type Bank, type DemoRequest, fill, pick, quoted } from "../demo_kit.ts";

const storyParagraphs: Record<string, Bank> = {
  gothic: {
    en: [
      "The fog rolled over the moor as {name} reached the iron gates, where {theme} had been whispered about for a century.",
      "Inside, portraits watched with painted eyes, and every candle bent toward the cellar door as if something below were breathing.",
      "{name} found a diary bound in cracked leather; its last entry spoke of {theme} and a promise made at midnight.",
      "The bells of the chapel rang thirteen times, and the shadows on the wall began to move against the light.",
      "At last {name} understood: {theme} was not a curse but a memory, and the house had been waiting to be remembered.",
      "When dawn came, the gates stood open, and only a single black rose lay where {name} had stood.",
    ],
    ja: [
      "荒野に霧が立ちこめるころ、{name}は鉄の門にたどり着いた。そこでは百年もの間、{theme}が囁かれてきた。",
      "館の中では肖像画が描かれた瞳で見つめ、蝋燭の炎はすべて地下室の扉へと傾いていた。まるで下で何かが息をしているように。",
      "{name}はひび割れた革表紙の日記を見つけた。最後の頁には{theme}と、真夜中に交わされた約束のことが記されていた。",
      "礼拝堂の鐘が十三回鳴り、壁の影が灯りに逆らって動き始めた。",
      "ついに{name}は悟った。{theme}は呪いではなく記憶であり、館は思い出されるのを待っていたのだと。",
      "夜が明けると門は開いたままで、{name}が立っていた場所には黒い薔薇が一輪だけ残されていた。",
    ],
  },
  parody: {
    en: [
      "{name} had prepared for {theme} with a flashlight, three sandwiches and a very confident attitude.",
      "The haunted house turned out to have a gift shop, and the ghost at the counter was extremely tired of selling fridge magnets.",
      '"Is this about {theme}?" asked {name}. The ghost sighed and pointed at a sign: PLEASE DO NOT FEED THE POLTERGEIST.',
      "A vampire arrived late, apologising; he had been stuck behind a slow-moving zombie on the stairs.",
      "By midnight, {name} had organised the monsters into a book club, and {theme} was chapter one.",
      "Everyone agreed it was the least scary Halloween on record, and the best one too.",
    ],
    ja: [
      "{name}は懐中電灯とサンドイッチ三つ、そして根拠のない自信を持って{theme}に挑んだ。",
      "お化け屋敷にはなぜか売店があり、レジの幽霊は冷蔵庫マグネットを売るのにすっかり疲れていた。",
      "「これって{theme}の件ですか？」と{name}が聞くと、幽霊はため息をついて張り紙を指した。『ポルターガイストにエサを与えないでください』。",
      "遅れてきた吸血鬼は、階段でのろのろ歩くゾンビの後ろで渋滞していたと謝った。",
      "真夜中には、{name}はモンスターたちを読書会にまとめ上げ、{theme}が第一章になっていた。",
      "史上いちばん怖くないハロウィンだったが、史上いちばん楽しいハロウィンでもあった、と皆がうなずいた。",
    ],
  },
  classic: {
    en: [
      "It was a cold October night when {name} first heard the story of {theme} from the old caretaker.",
      '"Never go to the east wing after dark," he said, and then he would say no more.',
      "But curiosity is a patient thing, and at a quarter to midnight {name} climbed the creaking stairs.",
      "A door at the end of the corridor stood ajar, and from behind it came the faint sound of someone humming an old lullaby.",
      "{name} pushed the door open. The room was empty, yet the rocking chair by the window was still moving.",
      'The next morning the caretaker only smiled and said, "So now you know about {theme}."',
    ],
    ja: [
      "冷たい十月の夜、{name}は年老いた管理人から初めて{theme}の話を聞いた。",
      "「暗くなってから東棟には行くな」と彼は言い、それ以上は何も語らなかった。",
      "だが好奇心は辛抱強いもの。真夜中の十五分前、{name}は軋む階段を上った。",
      "廊下の突き当たりの扉がわずかに開き、その向こうから古い子守唄を口ずさむ声がかすかに聞こえた。",
      "{name}が扉を押し開けると、部屋には誰もいなかった。それなのに窓辺の揺り椅子はまだ揺れていた。",
      "翌朝、管理人はただ微笑んで言った。「これで{theme}のことが分かったろう」",
    ],
  },
};

/** How each style calls the theme back once it has been named. */
const themeAgain: Record<string, Bank> = {
  gothic: { en: ["the old whisper"], ja: ["あの囁き"] },
  parody: { en: ["the whole business"], ja: ["例の件"] },
  classic: { en: ["the story"], ja: ["その話"] },
};

/** Titles read right for any name (the theme is named in the story, not again in its title). */
const storyTitles: Record<string, Bank> = {
  gothic: {
    en: ["{name} and the House That Remembered", "The Thirteenth Bell"],
    ja: ["{name}と記憶の館", "十三番目の鐘"],
  },
  parody: {
    en: ["{name} Versus the Gift Shop", "The Least Scary Halloween"],
    ja: ["{name}と売店の幽霊", "いちばん怖くないハロウィン"],
  },
  classic: {
    en: ["What {name} Found in the East Wing", "The Rocking Chair"],
    ja: ["{name}が東棟で見たもの", "揺り椅子"],
  },
};

export function demoAnswer({ inputs, language, random }: DemoRequest): string {
  const styleName = storyParagraphs[inputs.style ?? ""] ? inputs.style! : "classic";
  const style = storyParagraphs[styleName];
  const name = inputs.name || (language === "ja" ? "旅人" : "the traveller");
  const theme = inputs.theme || (language === "ja" ? "古い屋敷" : "the old house");
  // In Japanese a theme is set in 「」, so one in English reads as a name, not stitched in.
  const named = language === "ja" && inputs.theme ? quoted(theme, language) : theme;
  const again = pick(themeAgain[styleName][language], random);
  const count = 4 + Math.floor(random() * 3);
  let told = false;
  const paragraphs = style[language].slice(0, count).map((paragraph) =>
    paragraph.replace(/\{(\w+)\}/g, (_, key: string) => {
      if (key === "name") return name;
      if (told) return again;
      told = true;
      return named;
    })
  ).map((paragraph) => paragraph.charAt(0).toUpperCase() + paragraph.slice(1));
  const title = fill(pick(storyTitles[styleName][language], random), { name });
  return `# ${title[0].toUpperCase()}${title.slice(1)}\n\n${paragraphs.join("\n\n")}`;
}
