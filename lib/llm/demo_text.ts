/**
 * Text for the built-in demo model: varied, plausible Halloween answers composed from phrase
 * banks per feature and language, so the app is usable with no LLM configured.
 */
import type { GenerationHints } from "./types.ts";

type Lang = "en" | "ja";
type Bank = Record<Lang, string[]>;

export type Random = () => number;

function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length) % items.length];
}

function pickSome<T>(items: readonly T[], count: number, random: Random): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0) {
    chosen.push(pool.splice(Math.floor(random() * pool.length) % pool.length, 1)[0]);
  }
  return chosen;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");
}

function quoteOf(text: string, lang: Lang): string {
  const short = text.trim().replace(/\s+/g, " ").slice(0, 60);
  if (!short) return lang === "ja" ? "この夜" : "this night";
  return lang === "ja" ? `「${short}」` : `"${short}"`;
}

const characterLines: Record<string, { open: Bank; middle: Bank; close: Bank }> = {
  dracula: {
    open: {
      en: [
        "Good evening, my dear guest.",
        "Ah, welcome to my castle, where the candles never quite burn out.",
        "How delightful: a visitor at this hour.",
      ],
      ja: [
        "こんばんは、親愛なる客人よ。",
        "ようこそ我が城へ。蝋燭の灯が絶えぬ場所だ。",
        "この刻に客人とは、実に喜ばしい。",
      ],
    },
    middle: {
      en: [
        "You speak of {quote}; in four hundred years I have learned that the night keeps every secret worth knowing.",
        "Regarding {quote}, I find the moonlight over the Carpathians answers such questions better than any scholar.",
        "{quote}, you say? How charming. I once discussed the very matter with a bat over a glass of very old wine.",
      ],
      ja: [
        "{quote}について語るのだね。四百年生きて学んだのは、夜こそが知るに値する秘密をすべて守るということだ。",
        "{quote}とは興味深い。カルパティアの月光は、どんな学者よりも良い答えをくれるものだ。",
        "{quote}か。実に魅力的だ。かつて古いワインを傾けながら、蝙蝠と同じ話をしたことがある。",
      ],
    },
    close: {
      en: [
        "Do stay a little longer; the sun is still hours away.",
        "Mind the garlic on your way out.",
        "The night is young, and so, my friend, are you.",
      ],
      ja: [
        "もう少し留まりたまえ。夜明けはまだ遠い。",
        "帰り道のニンニクには気をつけたまえ。",
        "夜はまだ若い。そして君もだ、友よ。",
      ],
    },
  },
  witch: {
    open: {
      en: [
        "The cauldron bubbles, and it whispered you would come.",
        "Sit, child of the moon.",
        "Hmm, the cards foretold your question.",
      ],
      ja: [
        "大釜が泡立ち、そなたの訪れを囁いておった。",
        "お座り、月の子よ。",
        "ふむ、カードがそなたの問いを告げておった。",
      ],
    },
    middle: {
      en: [
        "{quote}: the answer lies where the three roads meet, beneath a sleeping raven.",
        "Of {quote}, the herbs speak in riddles: what is lost at dusk is found at the next full moon.",
        "The smoke curls into a shape when you say {quote}; it looks like a key, or perhaps a question mark.",
      ],
      ja: [
        "{quote}…その答えは三つの道が交わる場所、眠れる鴉の下にある。",
        "{quote}について、薬草は謎かけで語る。黄昏に失われしものは、次の満月に見つかると。",
        "{quote}と口にすると、煙が形を成す。鍵のようにも、問いかけのようにも見えるね。",
      ],
    },
    close: {
      en: [
        "Remember: every spell has a price.",
        "Come back when the moon is thinner.",
        "Now go, before the cat grows jealous.",
      ],
      ja: [
        "忘れるでない、どんな呪文にも代償がある。",
        "月が細くなったら、また来るがよい。",
        "さあお行き、猫が焼きもちを焼く前に。",
      ],
    },
  },
  jack: {
    open: {
      en: [
        "Hey hey! Jack here, glowing and grinning!",
        "Woohoo, a new friend on Halloween night!",
        "Boo! Just kidding, it's only me, Jack!",
      ],
      ja: [
        "やあやあ！ジャックだよ、今夜もピカピカ笑顔さ！",
        "わーい、ハロウィンの夜に新しい友だち！",
        "ばあ！なんてね、ぼくジャックだよ！",
      ],
    },
    middle: {
      en: [
        "{quote}? That lights up my whole candle! Let's go find out together, pumpkin-style.",
        "Ooh, {quote}! I'd carve a whole patch of pumpkins to celebrate a question like that.",
        "You said {quote} and my seeds are doing a happy dance in here!",
      ],
      ja: [
        "{quote}？それ、ぼくのロウソクが明るくなっちゃう話だね！一緒にカボチャ流で調べよう！",
        "おお、{quote}！そんな質問なら、カボチャ畑まるごと彫ってお祝いしたいな。",
        "{quote}って聞いたら、ぼくの中の種たちが嬉しくて踊り出したよ！",
      ],
    },
    close: {
      en: ["Trick or treat, buddy!", "Keep your lantern bright!", "Happy haunting!"],
      ja: ["トリック・オア・トリート！", "ランタンの灯を絶やさずにね！", "ハッピー・ハロウィン！"],
    },
  },
  frankenstein: {
    open: {
      en: [
        "Hello, friend. I was reading by the fire.",
        "You came to talk. That is... kind.",
        "Greetings. The storm outside reminds me of my first day.",
      ],
      ja: [
        "やあ、友よ。暖炉のそばで本を読んでいた。",
        "話しに来てくれたのだね。…優しいことだ。",
        "こんにちは。外の嵐は、私が生まれた日を思い出させる。",
      ],
    },
    middle: {
      en: [
        "You ask about {quote}. I have wondered whether a thing made of many parts can still be whole; I think it can.",
        "{quote}... I learned words from a family in a cottage; they taught me that understanding begins with listening.",
        "When I think of {quote}, I remember that people fear what they do not know, and I try to be known.",
      ],
      ja: [
        "{quote}について尋ねるのだね。多くの部分から作られたものでも一つになれるのか、私は考えてきた。なれると思う。",
        "{quote}…私は小屋に住む家族から言葉を学んだ。理解は耳を傾けることから始まると教わった。",
        "{quote}を思うと、人は知らないものを恐れると気づく。だから私は知ってもらおうとしている。",
      ],
    },
    close: {
      en: [
        "Thank you for not running away.",
        "Perhaps we can be friends.",
        "I will think about this for a long time.",
      ],
      ja: [
        "逃げないでいてくれて、ありがとう。",
        "私たちは友になれるかもしれない。",
        "このことを長く考えてみるよ。",
      ],
    },
  },
  ghost: {
    open: {
      en: [
        "Oh... a visitor. It has been so very long.",
        "Do not be frightened; I only drift here.",
        "Ah, you can hear me. How wonderful.",
      ],
      ja: [
        "まあ…お客様。ずいぶん久しぶりですわ。",
        "怖がらないで。私はただ漂っているだけ。",
        "あら、私の声が聞こえるのですね。なんて素敵。",
      ],
    },
    middle: {
      en: [
        "{quote}... that reminds me of the ballroom in 1887, when the gaslights flickered just so.",
        "You mention {quote}; I remember a letter I never sent, still tucked beneath the third stair.",
        "Of {quote}, I can only say the corridors grow colder when someone speaks of it.",
      ],
      ja: [
        "{quote}…1887年の舞踏会を思い出しますわ。ガス灯がちょうどこんな風に揺れていたの。",
        "{quote}とおっしゃるのね。出せなかった手紙が、今も三段目の階段の下にあるのを思い出します。",
        "{quote}について言えるのは、誰かがそれを口にすると廊下が冷たくなる、ということだけ。",
      ],
    },
    close: {
      en: [
        "Will you visit again?",
        "The clock is striking midnight... I must fade.",
        "Please, leave a candle in the window.",
      ],
      ja: [
        "また来てくださる？",
        "時計が真夜中を告げています…もう消えなくては。",
        "どうか、窓辺に蝋燭を灯しておいて。",
      ],
    },
  },
};

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

const storyTitles: Bank = {
  en: ["The {theme} of {name}", "{name} and the Midnight {theme}", "What {name} Found in the Dark"],
  ja: ["{name}と{theme}", "真夜中の{theme}", "{name}が闇で見つけたもの"],
};

const spells: Record<Lang, Array<[string, string]>> = {
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

const monsters: Record<Lang, Array<{ type: string; fact: string }>> = {
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

const labels = {
  en: {
    spell: "Spell",
    meaning: "Meaning",
    monster: "Monster Type",
    analysis: "Analysis",
    fact: "Fun Fact",
    trivia: "Fact",
  },
  ja: {
    spell: "呪文",
    meaning: "意味",
    monster: "モンスタータイプ",
    analysis: "分析",
    fact: "豆知識",
    trivia: "豆知識",
  },
};

/** Composes a demo answer for a feature in the requested language. */
export function composeDemoAnswer(
  hints: GenerationHints | undefined,
  lastUserMessage: string,
  random: Random = Math.random,
): string {
  const lang: Lang = hints?.language === "ja" ? "ja" : "en";
  const inputs = hints?.inputs ?? {};
  const sep = lang === "ja" ? "" : " ";
  switch (hints?.feature) {
    case "story-generator": {
      const style = storyParagraphs[inputs.style ?? "classic"] ?? storyParagraphs.classic;
      const values = {
        name: inputs.name || (lang === "ja" ? "旅人" : "the traveller"),
        theme: inputs.theme || (lang === "ja" ? "古い屋敷" : "the old house"),
      };
      const count = 4 + Math.floor(random() * 3);
      const paragraphs = style[lang].slice(0, count).map((p) => fill(p, values));
      return `# ${fill(pick(storyTitles[lang], random), values)}\n\n${paragraphs.join("\n\n")}`;
    }
    case "spell-generator": {
      const [phrase, meaning] = pick(spells[lang], random);
      const l = labels[lang];
      return `${l.spell}: ${phrase}\n${l.meaning}: ${meaning}`;
    }
    case "monster-diagnostic": {
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
      const l = labels[lang];
      const analysis = lang === "ja"
        ? `${inputs.favorite_food || "好きな食べ物"}を好み、${inputs.sleep_schedule || "夜"}に眠り、${
          inputs.hobby || "趣味"
        }を楽しむあなたは、まさに${monster.type}の気質です。${
          inputs.fear || "恐れ"
        }を恐れるところも、夜の住人らしい繊細さの表れ。闇の中でこそ、あなたの魅力は輝きます。`
        : `Someone who loves ${inputs.favorite_food || "midnight snacks"}, sleeps ${
          inputs.sleep_schedule || "at odd hours"
        } and spends time on ${
          inputs.hobby || "mysterious hobbies"
        } is a born ${monster.type}. Your fear of ${
          inputs.fear || "the unknown"
        } shows the careful instincts of a creature of the night. In the dark, you truly shine.`;
      return `${l.monster}: ${monster.type}\n${l.analysis}: ${analysis}\n${l.fact}: ${monster.fact}`;
    }
    case "trivia-bot": {
      const facts = pickSome(triviaFacts[lang], 2, random);
      const intro = lang === "ja" ? "ハロウィンの歴史へようこそ！" : "What a spooky question!";
      const outro = lang === "ja"
        ? "もっと知りたければ、いつでも聞いてくださいね。"
        : "Ask me for a quiz question whenever you like!";
      return [intro, ...facts.map((f) => `${labels[lang].trivia}: ${f}`), outro].join(
        sep === "" ? "\n" : "\n",
      );
    }
    default: {
      const lines = characterLines[inputs.character ?? "dracula"] ?? characterLines.dracula;
      const quote = quoteOf(lastUserMessage, lang);
      return [
        pick(lines.open[lang], random),
        fill(pick(lines.middle[lang], random), { quote }),
        pick(lines.close[lang], random),
      ].join(sep);
    }
  }
}

/** Splits text into token-sized pieces: words with their spacing, or two characters of Japanese. */
export function demoTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const word of text.match(/\s*\S+\s*/gu) ?? []) {
    const chars = Array.from(word);
    if (chars.length <= 6 || /^[\p{ASCII}]*$/u.test(word)) {
      tokens.push(word);
      continue;
    }
    for (let i = 0; i < chars.length; i += 2) tokens.push(chars.slice(i, i + 2).join(""));
  }
  return tokens;
}
