/**
 * The demo model's chat: a character's reply in its own voice. It answers what kind of message it
 * got (a greeting, a question, a remark) and may name its subject in a word, rather than quoting
 * the message back.
 */
import type { Language } from "../../shared/contract.ts";
import { type Bank, type DemoRequest, fill, pick } from "../demo_kit.ts";

type Kind = "greeting" | "question" | "remark";

/** What each character says to each kind of message. `{topic}` is the message's subject, in English only. */
const replies: Record<string, Record<Kind, Bank>> = {
  dracula: {
    greeting: {
      en: ["Come in, come in. Few callers find my door, and fewer still knock so politely."],
      ja: ["さあ、入りたまえ。この扉を見つける客は少なく、礼儀正しく叩く者はさらに少ない。"],
    },
    question: {
      en: [
        "Ah, {topic}. In four centuries I have learned that the night answers such things slowly, and always truthfully.",
        "A fair question. I would answer it over a glass of very old wine, by a fire that never quite warms the room.",
        "The answer, my friend, is rarely found by daylight. Ask me again at midnight and watch the candles.",
      ],
      ja: [
        "よい問いだ。四百年生きて学んだのは、夜はゆっくりと、しかし必ず真実を答えるということだ。",
        "その答えは昼の光の下では見つからぬ。真夜中にもう一度尋ねたまえ、蝋燭の揺れを見ながら。",
      ],
    },
    remark: {
      en: [
        "How fascinating. {topic} reminds me of a ball I gave in 1803; the guests never did leave.",
        "I quite agree, and the bats in the east tower would too, if they cared for conversation.",
      ],
      ja: [
        "実に興味深い。1803年に開いた舞踏会を思い出す。客人たちは、ついに帰らなかったがね。",
        "まったく同感だ。東の塔の蝙蝠たちも、話し好きならそう言うだろう。",
      ],
    },
  },
  witch: {
    greeting: {
      en: ["Mind the cauldron, it bites. Now, what brings you down my crooked path?"],
      ja: ["大釜に気をつけな、噛みつくからね。さて、この曲がりくねった道を何しに来たんだい？"],
    },
    question: {
      en: [
        "The smoke says {topic} is nearer than you think: look where the three roads meet, under a sleeping raven.",
        "The cards have turned: the answer is yes, but only if you ask it again at the next full moon.",
        "A riddle for a riddle: what is lost at dusk is found by the light of a single candle.",
      ],
      ja: [
        "カードがめくれたよ。答えは「はい」。ただし次の満月にもう一度尋ねたならね。",
        "謎には謎で返そう。黄昏に失われしものは、一本の蝋燭の灯で見つかるのさ。",
      ],
    },
    remark: {
      en: [
        "Hmm, {topic}. I shall add a pinch of it to tonight's brew and see what colour the smoke turns.",
        "So the herbs were right about you. They usually are.",
      ],
      ja: [
        "ふむ。今夜の薬にひとつまみ加えて、煙が何色になるか見てみようかね。",
        "やっぱり薬草の言った通りだ。たいてい当たるのさ。",
      ],
    },
  },
  jack: {
    greeting: {
      en: ["Hi hi hi! You found the brightest pumpkin in the whole patch!"],
      ja: ["やっほー！畑でいちばん明るいカボチャを見つけたね！"],
    },
    question: {
      en: [
        "Ooh, {topic}! My guess: it's way more fun than it sounds. Let's find out together, pumpkin-style!",
        "Great question! My candle flickers twice, which means... probably yes!",
        "Hmm, let me think with all my seeds... I say go for it, and bring snacks!",
      ],
      ja: [
        "いい質問！ぼくのロウソクが二回ゆれたから…たぶん「うん」だよ！",
        "うーん、種ぜんぶで考えてみたけど…やってみよう！おやつも持ってね！",
      ],
    },
    remark: {
      en: [
        "{topic}? That makes my grin even wider, and it was already ear to ear!",
        "Ha! You're funny. I'd carve your face on a pumpkin, a nice one.",
      ],
      ja: [
        "それ聞いたら、ぼくのニッコリがもっと大きくなっちゃった！",
        "あはは、おもしろいね！きみの顔をカボチャに彫ってあげたいな。かっこよくね。",
      ],
    },
  },
  frankenstein: {
    greeting: {
      en: ["Hello. I am glad you stayed. Most people leave when they see my face."],
      ja: ["こんにちは。いてくれて嬉しい。たいていの人は私の顔を見ると去ってしまうから。"],
    },
    question: {
      en: [
        "You ask about {topic}. I have read about it by firelight, and I think the answer is kinder than people expect.",
        "I do not know for certain. But I have learned that understanding begins with listening, so let us listen together.",
      ],
      ja: [
        "確かなことは分からない。けれど、理解は耳を傾けることから始まると学んだ。一緒に考えよう。",
        "暖炉のそばで本を読んで考えたことがある。答えは、人が思うよりずっと優しいものだと思う。",
      ],
    },
    remark: {
      en: [
        "{topic}... I will remember that. I keep every kind word in a small box by the window.",
        "Thank you for telling me. Few people talk to me as you do.",
      ],
      ja: [
        "覚えておこう。優しい言葉は、窓辺の小さな箱にすべてしまってある。",
        "話してくれてありがとう。君のように話しかけてくれる人は少ない。",
      ],
    },
  },
  ghost: {
    greeting: {
      en: ["Oh! You can see me? How lovely... it has been so long since anyone said hello."],
      ja: ["まあ、わたしが見えるの？嬉しい…誰かに挨拶されるなんて、本当に久しぶり。"],
    },
    question: {
      en: [
        "{topic}... I remember something of it, from when the house was full of music. The answer drifts back to me: yes, once.",
        "I have floated through these halls for a hundred years, and I think the answer is hidden in the attic, under the dust.",
      ],
      ja: [
        "百年この廊下を漂ってきたけれど、その答えは屋根裏の埃の下に隠れている気がするの。",
        "思い出したわ…館が音楽で満ちていたころのこと。答えは「ええ、一度だけ」。",
      ],
    },
    remark: {
      en: [
        "{topic}... that makes the candles flicker. I think they like you.",
        "How sweet of you to say. The cold in this room is only me, leaning closer to listen.",
      ],
      ja: [
        "そう言ってくれると、蝋燭がゆらめくの。あなたのことが気に入ったみたい。",
        "この部屋の冷たさは、話を聞こうと近づいたわたしのせいよ。",
      ],
    },
  },
};

const characterLines: Record<string, { open: Bank; close: Bank }> = {
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

const STOPWORDS = new Set(
  ("what which where when does your about have with that this there their they them from will would could " +
    "should tell know like just really very much many some more most been were into onto than then also " +
    "dear please thanks thank hello good evening night morning").split(" "),
);

/** What kind of message it is, so the reply fits it. */
export function kindOf(message: string): Kind {
  const text = message.trim().toLowerCase();
  if (/^(hi|hello|hey|greetings|good (evening|morning|afternoon|night))\b/.test(text)) return "greeting";
  if (/^(こんにちは|こんばんは|やあ|はじめまして|おはよう)/.test(text)) return "greeting";
  if (
    /[?？]$/.test(text) ||
    /^(who|what|why|how|when|where|which|do|does|did|can|could|are|is|will|would|should)\b/.test(text)
  ) {
    return "question";
  }
  if (/(ですか|ますか|の|かな|か)[。]?$/.test(text)) return "question";
  return "remark";
}

/** The message's subject in one word (its longest that is not a small word), for English replies. */
export function topicOf(message: string): string | undefined {
  const words = message.toLowerCase().match(/[a-z][a-z'-]{3,}/g) ?? [];
  const topic = words.filter((word) => !STOPWORDS.has(word)).sort((a, b) => b.length - a.length)[0];
  return topic && topic.length <= 20 ? topic : undefined;
}

export function demoAnswer({ inputs, language, lastUserMessage, random }: DemoRequest): string {
  const character = inputs.character ?? "dracula";
  const lines = characterLines[character] ?? characterLines.dracula;
  const kind = kindOf(lastUserMessage);
  const topic = language === "en" ? topicOf(lastUserMessage) : undefined;
  const bank = (replies[character] ?? replies.dracula)[kind][language];
  const usable = topic ? bank : bank.filter((line) => !line.includes("{topic}"));
  const line = pick(usable, random);
  // A topic that opens the sentence is capitalised.
  const word = topic && line.startsWith("{topic}") ? topic[0].toUpperCase() + topic.slice(1) : topic ?? "";
  const reply = fill(line, { topic: word });
  const parts = kind === "greeting"
    ? [pick(lines.open[language], random), reply, pick(lines.close[language], random)]
    : [reply, pick(lines.close[language], random)];
  return parts.join(SEPARATOR[language]);
}

const SEPARATOR: Record<Language, string> = { en: " ", ja: "" };
