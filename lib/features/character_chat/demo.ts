/** The demo model's chat: a character's reply that answers in its voice, about the user's words. */
import { type Bank, type DemoRequest, fill, pick, quoteOf } from "../demo_kit.ts";

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

export function demoAnswer({ inputs, language, lastUserMessage, random }: DemoRequest): string {
  const lines = characterLines[inputs.character ?? "dracula"] ?? characterLines.dracula;
  const quote = quoteOf(lastUserMessage, language);
  return [
    pick(lines.open[language], random),
    fill(pick(lines.middle[language], random), { quote }),
    pick(lines.close[language], random),
  ].join(language === "ja" ? "" : " ");
}
