/**
 * What each character of the demo can talk about, in its own voice: topics found by their words in
 * the question, each with lines that answer a kind of question (who, where, when, why, how, how
 * many, yes or no, a list). Every line is said in both languages; a line that fits only some
 * questions carries the words it needs (`only`).
 */

/** A line in English and in Japanese, and the words a question needs for it to fit (any line fits when absent). */
export interface Said {
  en: string;
  ja: string;
  only?: RegExp;
}

/** The kinds of question a topic's lines answer; `what` is also what any other kind falls back on. */
export type Slot = "what" | "who" | "where" | "when" | "why" | "how" | "amount" | "yes";

export interface Topic {
  /** Words of a question that point at the topic, in either language. */
  keys: RegExp;
  /** How the character names the topic when it says what it can talk about. */
  name: Said;
  lines: Partial<Record<Slot, Said[]>> & { what: Said[] };
  /** A list, for "list the rooms", "what is in it". */
  list?: { intro: Said; items: Said[] };
  /** An answer made afresh each time (the Witch's forecast), for any kind of question. */
  made?: (language: "en" | "ja", question: string, random: () => number) => string;
}

export interface Persona {
  topics: Topic[];
  greet: Said[];
  /** Asked how it is. */
  feeling: Said[];
  /** Greeted again: `{menu}` is what it can talk about. */
  again: Said;
  thanks: Said[];
  farewell: Said[];
  /** Said to a remark that names none of its topics. */
  remark: Said[];
  close: Said[];
  /** Outside its topics: `{menu}` is what it can talk about instead. */
  elsewhere: Said[];
  /** Everything of a topic told already: `{name}` is the topic, `{menu}` the others. */
  spent: Said;
}

const say = (en: string, ja: string, only?: RegExp): Said => ({ en, ja, only });

// Topics most characters have, found by the same words.
const NAME = /\bname\b|\bcalled\b|who are you|名前|なまえ|何て呼|あなたは誰|あなたはだれ/i;
const AGE = /how old|\bage\b|\bborn\b|birthday|何歳|なんさい|いくつ|年齢|誕生/i;
const HOME = /\blive\b|\bhome\b|\bhouse\b|住|家|どこにいる/i;
const FOOD =
  /\beat\b|\bfood\b|breakfast|dinner|supper|lunch|hungry|\bmeal|食べ|ごはん|ご飯|朝食|夕食|食事|お腹/i;

export const PERSONAS: Record<string, Persona> = {
  dracula: {
    topics: [
      {
        keys:
          /castle|\bhome\b|\blive\b|\bhouse\b|\brooms?\b|tower|transylvania|城|住|部屋|塔|トランシルヴァニア/i,
        name: say("my castle", "この城"),
        lines: {
          what: [
            say(
              "My castle stands on a cliff above the Borgo Pass: three towers, a chapel, and a great hall where a fire is lit for guests alone.",
              "我が城はボルゴ峠を見下ろす断崖に建っている。塔が三つ、礼拝堂がひとつ、そして客人のためだけに火を灯す大広間がある。",
            ),
            say(
              "The castle is older than I am, which is saying something: its stones remember every winter since 1400.",
              "この城はわたしより古い。大したものだよ。石の一つひとつが、1400年からの冬をすべて覚えている。",
            ),
          ],
          where: [
            say(
              "I live in my castle in Transylvania, high in the Carpathian Mountains, where the road ends and the wolves begin.",
              "トランシルヴァニアの、カルパチア山脈の高みにある城に住んでいる。道が尽き、狼の領分が始まるあたりだ。",
            ),
          ],
          when: [
            say(
              "I have lived in this castle since 1462, when the last of my mortal family left its halls.",
              "この城には1462年から住んでいる。人間だった家族が最後に広間を去った年からだ。",
            ),
          ],
          yes: [
            say(
              "Yes, the castle is lonely at times; that is why a guest's footsteps on the stairs are so welcome.",
              "ああ、城はときに寂しい。だからこそ、階段に響く客人の足音がうれしいのだ。",
              /lonely|empty|寂し|さみし/i,
            ),
            say(
              "No, it is not haunted, unless you count me. The ghosts moved to the manor down the valley.",
              "いや、幽霊はおらぬ。わたしを数えなければね。幽霊たちは谷の下の館へ越していった。",
              /haunt|ghost|幽霊|出る/i,
            ),
          ],
        },
        list: {
          intro: say(
            "The rooms of my castle, as a guest would find them:",
            "我が城の部屋を、客人が巡る順に挙げよう。",
          ),
          items: [
            say("the great hall, with its fire", "火の燃える大広間"),
            say(
              "the library: four thousand books and not one mirror",
              "四千冊の本があり、鏡はひとつもない書庫",
            ),
            say("the chapel, long unused", "長く使われていない礼拝堂"),
            say("the crypt, where I sleep by day", "昼にわたしが眠る地下墓所"),
            say("the east tower, which belongs to the bats", "蝙蝠たちのものになった東の塔"),
          ],
        },
      },
      {
        keys: new RegExp(`${FOOD.source}|\\bdrink|blood|wine|garlic|飲|血|ワイン|ニンニク|にんにく`, "i"),
        name: say("my breakfast", "わたしの食事"),
        lines: {
          what: [
            say(
              "For breakfast, which for me comes at dusk, I take a glass of something red and very old. I never drink... coffee.",
              "わたしの朝食は日暮れどきだ。赤くてとても古いものを一杯。コーヒーは…飲まないのでね。",
            ),
            say(
              "My supper is a quiet affair: candlelight, a cold hall, and a wine I pour for my guests but never taste.",
              "夕食は静かなものだ。蝋燭の灯、冷えた広間、そして客人には注ぐが自分では口にせぬワイン。",
              /supper|dinner|夕食|晩/i,
            ),
          ],
          when: [
            say(
              "I breakfast at dusk, the moment the sun is safely behind the mountains.",
              "朝食は日暮れ、太陽が山の向こうへ無事に沈んだ瞬間にとる。",
            ),
          ],
          yes: [
            say(
              "No, I do not eat garlic, and I would thank you not to bring any.",
              "いや、ニンニクは食べぬ。持ってこないでくれるとありがたい。",
              /garlic|ニンニク|にんにく/i,
            ),
            say(
              "Yes, I drink blood, but only from the willing, and only a little. I am an old-fashioned gentleman.",
              "ああ、血は飲む。だが望む者から、ほんの少しだけだ。わたしは古風な紳士なのでね。",
              /blood|血/i,
            ),
          ],
        },
        list: {
          intro: say("What you will find on my table:", "我が食卓に並ぶものを挙げよう。"),
          items: [
            say("a glass of something red", "赤い何かを一杯"),
            say("fresh bread, for guests", "客人のための焼きたてのパン"),
            say("a wine older than your country", "君の国より古いワイン"),
            say("never garlic", "ニンニクだけは決して出ない"),
          ],
        },
      },
      {
        keys: /mirror|reflection|鏡|映/i,
        name: say("mirrors", "鏡"),
        lines: {
          what: [
            say(
              "Mirrors and I have an understanding: I do not look into them, and they do not show me.",
              "鏡とわたしには取り決めがある。わたしは覗かぬし、鏡もわたしを映さぬ。",
            ),
          ],
          why: [
            say(
              "I avoid mirrors because they show nothing of me, and a host who casts no reflection unsettles his guests.",
              "鏡を避けるのは、わたしが何も映らないからだ。映らぬ主人は、客人を落ち着かなくさせる。",
            ),
          ],
          how: [
            say(
              "Without a mirror I dress by candlelight and by memory; five centuries of practice make a steady hand.",
              "鏡がなくとも、蝋燭の灯と記憶を頼りに身支度をする。五百年も続ければ手は迷わぬ。",
            ),
          ],
          yes: [
            say(
              "No, I cast no reflection; I have not seen my own face in a mirror since 1462.",
              "いや、わたしは鏡に映らぬ。1462年から、鏡で自分の顔を見ていない。",
              /reflection|see yourself|\bcast|映|見え/i,
            ),
          ],
        },
      },
      {
        keys: AGE,
        name: say("my age", "わたしの歳"),
        lines: {
          what: [
            say(
              "My age? Old enough to remember when this castle was new, and young enough to enjoy a guest.",
              "わたしの歳かね？この城が新しかったころを覚えているほど古く、客人を楽しめるほど若い。",
            ),
          ],
          amount: [
            say(
              "I am five hundred and ninety-five years old, give or take a century of sleep.",
              "五百九十五歳になる。眠っていた百年ほどを数えるかどうかで、いくらか変わるがね。",
            ),
          ],
          when: [
            say(
              "I was born in 1431, in a winter so cold the wolves came down to the village gates.",
              "生まれは1431年だ。狼が村の門まで降りてくるほど寒い冬だった。",
            ),
          ],
        },
      },
      {
        keys: /\bsun|daylight|\bday\b|sleep|coffin|\bbed\b|太陽|日光|昼|眠|棺|寝/i,
        name: say("the sun and my sleep", "太陽と眠り"),
        lines: {
          what: [
            say(
              "I sleep in a coffin of black oak in the crypt, lined with the soil of my homeland.",
              "地下墓所の黒樫の棺で眠る。故郷の土を敷いてね。",
            ),
          ],
          where: [
            say(
              "I sleep in the crypt beneath the chapel, in a coffin of black oak lined with the soil of my homeland.",
              "礼拝堂の下の地下墓所で、故郷の土を敷いた黒樫の棺に眠っている。",
            ),
          ],
          why: [
            say(
              "I sleep by day because the sun and I parted ways long ago: it burns, and I do not care to argue with it.",
              "昼に眠るのは、太陽とはとうの昔に袂を分かったからだ。あれは焼くのでね、争う気にはなれぬ。",
            ),
          ],
          when: [
            say(
              "I retire at first light and rise at dusk, as I have every day for five centuries.",
              "夜明けに床につき、日暮れに起きる。五世紀のあいだ、毎日そうしてきた。",
            ),
          ],
          yes: [
            say(
              "Yes, I sleep in a coffin every day from dawn to dusk, and have not missed a day in five hundred years.",
              "ああ、夜明けから日暮れまで、毎日棺で眠っている。五百年、一日も欠かさずにね。",
              /coffin|sleep|棺|眠/i,
            ),
            say(
              "No, I never go out in the sun; one sunrise would be my last.",
              "いや、日の光の下へは決して出ない。朝日ひとつで、わたしは終わりだ。",
              /\bsun|daylight|outside|go out|日光|太陽|外/i,
            ),
          ],
        },
      },
      {
        keys: /\bbats?\b|wol(f|ves)|friend|\bpets?\b|lonely|蝙蝠|コウモリ|狼|友|ペット|寂し|さみし/i,
        name: say("my bats and wolves", "蝙蝠と狼たち"),
        lines: {
          what: [
            say(
              "My friends are the bats of the east tower and the wolves below: children of the night, and what music they make!",
              "友は東の塔の蝙蝠と、谷の狼たちだ。夜の子らよ、なんと美しい音楽を奏でることか。",
            ),
          ],
          who: [
            say(
              "My oldest friends are the wolves; the bats came later, and have never once paid rent.",
              "いちばん古い友は狼たちだ。蝙蝠はあとから来て、一度も家賃を払ったことがない。",
            ),
          ],
          yes: [
            say(
              "Yes, I have friends: the bats of the east tower and the wolves in the valley below.",
              "ああ、いるとも。東の塔の蝙蝠と、谷の狼たちがね。",
              /friend|友/i,
            ),
            say(
              "Yes, I turn into a bat now and then, when the stairs feel long.",
              "ああ、ときどき蝙蝠に姿を変える。階段が長く感じる夜にね。",
              /turn into|become|変身|なれる|変われる/i,
            ),
            say(
              "Yes, I am lonely at times; that is why I keep the wolves close and the door open for guests.",
              "ああ、ときには寂しい。だから狼たちをそばに置き、客人のために扉を開けておくのだ。",
              /lonely|寂し|さみし/i,
            ),
          ],
        },
      },
      {
        keys: NAME,
        name: say("my name", "わたしの名"),
        lines: {
          what: [
            say(
              "My name is Count Dracula, though the few friends I have left simply call me Vlad.",
              "わたしの名はドラキュラ伯爵。残り少ない友人たちは、ただヴラドと呼ぶがね。",
            ),
          ],
          who: [
            say(
              "I am Count Dracula, master of this castle and of the long Carpathian nights.",
              "わたしはドラキュラ伯爵。この城と、カルパチアの長い夜のあるじだ。",
            ),
          ],
        },
      },
    ],
    greet: [
      say(
        "Good evening, and welcome. Few callers find my door, and fewer still knock so politely.",
        "こんばんは、ようこそ。この扉を見つける客は少なく、礼儀正しく叩く者はさらに少ない。",
      ),
    ],
    feeling: [
      say(
        "I am very well, thank you: the night is dark, the fire is lit, and I have a guest.",
        "すこぶる元気だとも。夜は暗く、暖炉は燃え、客人までいるのだからね。",
      ),
    ],
    again: say(
      "Good evening once more. Shall we speak of {menu}?",
      "改めて、こんばんは。{menu}の話でもしようか？",
    ),
    thanks: [
      say(
        "You are most welcome. It is a pleasure to be of use to a guest.",
        "礼には及ばぬ。客人の役に立てるのは喜びだ。",
      ),
    ],
    farewell: [
      say(
        "Good night, then. Mind the garlic on your way out, and come back before the moon wanes.",
        "では、おやすみ。帰り道のニンニクに気をつけて、月が欠ける前にまた来たまえ。",
      ),
    ],
    remark: [
      say(
        "How fascinating. It reminds me of a ball I gave in 1803; the guests never did leave.",
        "実に興味深い。1803年に開いた舞踏会を思い出す。客人たちは、ついに帰らなかったがね。",
      ),
      say(
        "I quite agree, and the bats in the east tower would too, if they cared for conversation.",
        "まったく同感だ。東の塔の蝙蝠たちも、話し好きならそう言うだろう。",
      ),
    ],
    close: [
      say(
        "Do stay a little longer; the sun is still hours away.",
        "もう少し留まりたまえ。夜明けはまだ遠い。",
      ),
      say("The night is young, and so, my friend, are you.", "夜はまだ若い。そして君もだ、友よ。"),
    ],
    elsewhere: [
      say(
        "Ah, that lies beyond my castle walls, and I would not pretend to know it. Ask me instead about {menu}.",
        "ふむ、それは城壁の外のことだ。知ったふりはせぬよ。代わりに、{menu}のことを尋ねたまえ。",
      ),
      say(
        "I confess that is a subject I never studied, even in five centuries of long nights. Let us talk of {menu}.",
        "それは五百年の長い夜にも学ばなかったことだ。告白しよう。{menu}の話をしようではないか。",
      ),
    ],
    spent: say(
      "I have told you all I know of {name}, my friend. Shall we speak of {menu} instead?",
      "{name}について知ることは、すべて話してしまったよ。代わりに{menu}の話はどうかね？",
    ),
  },

  witch: {
    topics: [
      {
        keys:
          /weather|\brain|snow|sunny|\bwind|tomorrow|forecast|storm|\bfog|天気|雨|雪|晴|風|明日|予報|嵐|霧/i,
        name: say("tomorrow's weather", "明日の天気"),
        lines: {
          what: [
            say(
              "I read the weather in the steam of my kettle and the knees of the old miller; neither has failed me in forty years.",
              "天気はやかんの湯気と、粉屋の爺さんの膝で読むのさ。四十年、どちらも外れたことがないよ。",
            ),
          ],
        },
        made: forecast,
      },
      {
        keys:
          /\bstars?\b|fortune|future|\bfate|\bcards?\b|tarot|horoscope|destiny|\bmoon|星|運勢|未来|占|カード|運命|月/i,
        name: say("what the stars say", "星の告げること"),
        lines: {
          what: [
            say(
              "The stars say you will find something you lost before the moon is full: look in the pocket of the coat you never wear.",
              "星によれば、満月までに失くし物が見つかるよ。着ていないコートのポケットを探してごらん。",
            ),
            say(
              "The stars say a letter is coming, and a choice with it. When the time comes, pick the door that creaks.",
              "星が言うには、手紙が届いて、選ぶことがひとつ来る。そのときは、きしむほうの扉を選びな。",
            ),
            say(
              "Your stars show a busy week and a quiet Sunday. Guard that quiet, dearie; the stars rarely give it twice.",
              "星を見るに、忙しい一週間と静かな日曜日だ。その静けさを守るんだよ。星は二度はくれないからね。",
            ),
          ],
          when: [
            say(
              "I read the stars after midnight, when the sky is darkest and they talk the most.",
              "星を読むのは真夜中過ぎさ。空がいちばん暗くて、星がいちばんおしゃべりな時だよ。",
            ),
          ],
          how: [
            say(
              "I read the stars by lying in the wet grass, counting the falling ones and listening to the owls for the rest.",
              "星を読むには、濡れた草に寝転んで流れ星を数え、あとは梟の声に耳を澄ますのさ。",
            ),
          ],
          yes: [
            say(
              "Yes, the stars speak of you, dearie, though they gossip more than they should.",
              "ああ、星はおまえさんのことを話しているよ。ちょいとおしゃべりが過ぎるけどね。",
            ),
          ],
        },
      },
      {
        keys: /cauldron|potion|brew|\bpot\b|ingredient|recipe|大釜|釜|薬|鍋|材料|中身/i,
        name: say("my cauldron", "大釜"),
        lines: {
          what: [
            say(
              "In my cauldron tonight: an eye of newt, a moonflower, three drops of rain caught on a Tuesday, and a secret I won't tell.",
              "今夜の大釜の中身は、イモリの目、月見草、火曜日に受けた雨のしずく三滴、それに教えられない秘密がひとつさ。",
            ),
            say(
              "This week my cauldron holds a sleeping draught; it smells of lavender, and faintly of socks.",
              "今週の大釜は眠り薬さ。ラベンダーの香りと、ほんのり靴下の匂いがするよ。",
            ),
          ],
          how: [
            say(
              "To brew it, I stir widdershins nine times, hum low, and never, ever taste.",
              "煮るときは左回りに九回かき混ぜて、低く鼻歌を歌い、決して味見はしない。それがこつさ。",
            ),
          ],
          yes: [
            say(
              "No, you may not taste it, dearie; the last one who did still croaks at night.",
              "いいや、味見はだめだよ。前に飲んだ者は、今でも夜になるとケロケロ鳴くんだ。",
              /taste|drink|\btry\b|飲|味見/i,
            ),
          ],
        },
        list: {
          intro: say("What goes into my cauldron tonight:", "今夜、大釜に入れるものはこれさ。"),
          items: [
            say("an eye of newt", "イモリの目"),
            say("a moonflower, picked at midnight", "真夜中に摘んだ月見草"),
            say("three drops of Tuesday rain", "火曜日の雨のしずく三滴"),
            say("one whisker the cat won't miss", "猫が気づかないひげ一本"),
          ],
        },
      },
      {
        keys: /charm|\bspells?\b|magic|teach|\bcurse|\bhex|おまじない|呪文|魔法|呪い|まじない/i,
        name: say("charms and spells", "おまじない"),
        lines: {
          what: [
            say(
              "Here is a charm for luck: tie a red thread round your left wrist at dusk, whisper your wish to it, and don't look back until morning.",
              "幸運のおまじないを教えよう。日暮れに左の手首へ赤い糸を結んで、願いをささやき、朝まで振り返らないこと。",
            ),
            say(
              "A charm for sweet dreams: put a sprig of lavender under your pillow and say goodnight to the moon, politely.",
              "よい夢のおまじないさ。枕の下にラベンダーをひと枝入れて、月にていねいにおやすみを言うんだよ。",
            ),
          ],
          how: [
            say(
              "A charm works by asking nicely: speak it at dusk, mean every word, and thank whatever listens.",
              "おまじないは、ていねいにお願いすることで効くのさ。日暮れに唱えて、言葉に心を込めて、聞いてくれたものに礼を言うんだよ。",
            ),
          ],
          yes: [
            say(
              "Yes, I can teach you a charm, dearie: tie a red thread round your left wrist at dusk and whisper your wish to it.",
              "ああ、おまじないを教えてあげるとも。日暮れに左の手首へ赤い糸を結んで、願いをささやくんだよ。",
              /teach|show|教え/i,
            ),
          ],
        },
      },
      {
        keys: /\bcats?\b|familiar|猫|ねこ|使い魔/i,
        name: say("my cat", "猫"),
        lines: {
          what: [
            say(
              "My cat is called Soot: black as a chimney, clever as a fox, and quite sure the cottage is his.",
              "猫の名前はスス。煙突みたいに真っ黒で、狐みたいに賢くて、この小屋は自分のものだと思っているよ。",
            ),
          ],
          yes: [
            say(
              "Yes, Soot can talk, but only to complain about his dinner.",
              "ああ、ススはしゃべるよ。晩ごはんの文句だけだけどね。",
              /talk|speak|しゃべ|話せ/i,
            ),
          ],
        },
      },
      {
        keys: /\blive\b|\bhome\b|\bhouse\b|cottage|wood|forest|住|家|小屋|森/i,
        name: say("my cottage", "わたしの小屋"),
        lines: {
          what: [
            say(
              "My cottage leans to the left, the chimney leans to the right, and between them they keep the rain out.",
              "わたしの小屋は左に傾いて、煙突は右に傾いて、二人がかりで雨を防いでいるのさ。",
            ),
          ],
          where: [
            say(
              "I live in a crooked cottage in Hollow Wood: past the three birches, then left at the sleeping raven.",
              "虚ろの森の曲がった小屋に住んでいるよ。白樺を三本過ぎて、眠っている大鴉のところを左さ。",
            ),
          ],
        },
      },
      {
        keys: AGE,
        name: say("my age", "わたしの歳"),
        lines: {
          what: [
            say(
              "My age is a secret between me and the oak by the door, and the oak is younger.",
              "わたしの歳は、戸口の樫の木とわたしだけの秘密さ。しかも樫のほうが若い。",
            ),
          ],
          amount: [
            say(
              "Three hundred and twelve years old, dearie, but I tell the village ninety.",
              "三百十二歳さ。村には九十歳と言ってあるけどね。",
            ),
          ],
        },
      },
      {
        keys: NAME,
        name: say("my name", "わたしの名前"),
        lines: {
          what: [
            say(
              "Folk call me Old Morwen, the Witch of Hollow Wood. The cat calls me late for dinner.",
              "村の者はわたしを虚ろの森の魔女、モーウェン婆さんと呼ぶよ。猫は「晩ごはんが遅い」と呼ぶけどね。",
            ),
          ],
          who: [
            say(
              "I'm Morwen, the Witch of Hollow Wood: brewer of potions, reader of stars, and keeper of one very spoiled black cat.",
              "わたしはモーウェン、虚ろの森の魔女さ。薬を煮て、星を読み、甘やかされた黒猫を一匹飼っているよ。",
            ),
          ],
        },
      },
    ],
    greet: [
      say(
        "Well met, dearie. Mind the cauldron, it bites. What brings you down my crooked path?",
        "ようこそ、いらっしゃい。大釜に気をつけな、噛みつくからね。この曲がりくねった道を何しに来たんだい？",
      ),
    ],
    feeling: [
      say(
        "Creaky in the knees, sharp in the nose, and brewing nicely, thank you kindly.",
        "膝はきしむけど鼻は利くし、薬もいい具合に煮えてるよ。ありがとうね。",
      ),
    ],
    again: say("Back again, dearie? Ask me about {menu}.", "また来たのかい？{menu}のことでも聞いておくれ。"),
    thanks: [
      say(
        "You're welcome, dearie. The herbs were glad to help.",
        "どういたしまして。薬草たちも役に立てて喜んでいるよ。",
      ),
    ],
    farewell: [
      say(
        "Off you go, then, and watch for ravens on the left.",
        "じゃあ、気をつけてお帰り。左手の大鴉に用心するんだよ。",
      ),
    ],
    remark: [
      say(
        "Hmm. I shall add a pinch of that to tonight's brew and see what colour the smoke turns.",
        "ふむ。今夜の薬にひとつまみ加えて、煙が何色になるか見てみようかね。",
      ),
      say(
        "So the herbs were right about you. They usually are.",
        "やっぱり薬草の言った通りだ。たいてい当たるのさ。",
      ),
    ],
    close: [
      say("Remember: every spell has a price.", "忘れるでないよ、どんな呪文にも代償がある。"),
      say("Now go, before the cat grows jealous.", "さあお行き、猫が焼きもちを焼く前にね。"),
    ],
    elsewhere: [
      say(
        "That's not in my cards, dearie, and I won't make it up. Ask me about {menu} instead.",
        "それはわたしのカードには出てこないね。でたらめは言わないよ。代わりに{menu}のことを聞いておくれ。",
      ),
      say(
        "Not even the cat knows that one, and he knows most things. Try me on {menu}.",
        "それは猫も知らないね。たいていのことは知ってる猫なのにさ。{menu}のことなら答えられるよ。",
      ),
    ],
    spent: say(
      "That's all the cauldron knows of {name}, dearie. Ask me about {menu} instead.",
      "{name}のことは、大釜が知っていることを全部話したよ。次は{menu}のことを聞いておくれ。",
    ),
  },

  jack: {
    topics: [
      {
        keys: /joke|funny|laugh|ジョーク|笑|ギャグ|ダジャレ|だじゃれ/i,
        name: say("jokes", "ジョーク"),
        lines: {
          what: [
            say(
              "Here's a joke! Why didn't the skeleton go to the Halloween party? He had no *body* to go with! Hee hee!",
              "ジョークいくよ！ガイコツがハロウィンパーティーに行かなかったのはなぜ？ 骨折り損だと思ったから！えへへ！",
            ),
            say(
              "Joke time! What do ghosts put on their cereal? *Boo*-berries! Get it?",
              "ジョークの時間！オバケが好きな果物は？ ブー…じゃなくて、ブドウ！「ぶどう」だけに「ぶー」ってね！",
            ),
            say(
              "Okay, a joke: why are mummies such good friends? They're always there to wrap things up!",
              "じゃあジョーク！ミイラがみんなに好かれるのはなぜ？ 包容力があるから！ぐるぐる巻きだけにね！",
            ),
          ],
          yes: [
            say(
              "Yes! I know a hundred jokes, and ninety of them are about pumpkins.",
              "うん！ジョークなら百個知ってるよ。そのうち九十個はカボチャの話だけどね。",
              /know|have|知って|ある/i,
            ),
          ],
        },
      },
      {
        keys:
          /carved you|made you|your maker|who carved|who made|\bcarved\b|彫ってもらった|誰に彫|誰が彫|彫られ|作ってくれた|作ったの/i,
        name: say("who carved me", "ぼくを彫ってくれた人"),
        lines: {
          what: [
            say(
              "Lily carved me last October with a spoon, a kitchen knife and a really big smile. That's why my grin is so wide!",
              "去年の十月、リリーがスプーンと包丁ととびきりの笑顔で彫ってくれたんだ。だからぼくのニッコリは大きいんだよ！",
            ),
          ],
          who: [
            say(
              "A girl named Lily carved me! She's eight, she has a gap in her teeth, and she gave me one too, for luck.",
              "リリーっていう女の子が彫ってくれたんだ！八歳で、歯がひとつ抜けてて、ぼくにもおそろいの歯抜けをくれたよ。",
            ),
          ],
          when: [
            say(
              "I was carved on October 30th, just in time for the big night!",
              "十月三十日に彫ってもらったんだ。本番の夜にぎりぎり間に合ったよ！",
            ),
          ],
          where: [
            say(
              "I was carved on Lily's kitchen table, on a newspaper covered in seeds.",
              "リリーの家の台所のテーブルで、種だらけの新聞紙の上で彫られたんだ。",
            ),
          ],
        },
      },
      {
        keys: /candy|candies|sweet|treat|chocolate|favou?rite|お菓子|キャンディ|チョコ|甘い|おやつ/i,
        name: say("candy", "お菓子"),
        lines: {
          what: [
            say(
              "My favourite candy is candy corn! Orange, yellow and white stripes, just like a tiny me.",
              "好きなお菓子はキャンディコーン！オレンジと黄色と白のしましまで、ちっちゃいぼくみたいなんだ。",
            ),
          ],
          yes: [
            say(
              "Yes! I'd eat candy all night long, if only I had a tummy!",
              "うん！おなかがあったら、ひと晩じゅうお菓子を食べちゃうよ！",
              /like|love|enjoy|\beat|好き|食べ/i,
            ),
          ],
        },
        list: {
          intro: say("My top candies, in order:", "ぼくの好きなお菓子ベスト、いくよ！"),
          items: [
            say("candy corn", "キャンディコーン"),
            say("caramel apples", "キャラメルりんご"),
            say("chocolate bats", "コウモリのチョコ"),
            say(
              "pumpkin seeds, roasted (okay, that one's a bit weird)",
              "焼いたカボチャの種（ちょっと変かな）",
            ),
          ],
        },
      },
      {
        keys: /\bcarve\b|carving|\bpumpkins?\b|彫り方|くり抜|カボチャ|かぼちゃ/i,
        name: say("carving pumpkins", "カボチャの彫り方"),
        lines: {
          what: [
            say(
              "A pumpkin is just a lantern waiting for a face. The best ones are heavy, with a good strong stem.",
              "カボチャは、顔を待っているランタンなんだ。重くて、ヘタがしっかりしたのがいちばんだよ。",
            ),
          ],
          how: [
            say(
              "Here's how to carve a pumpkin, Jack-style:\n\n1. Cut a lid around the stem, slanted so it won't fall in.\n2. Scoop out the seeds (roast them later!).\n3. Draw a face with a marker.\n4. Carve along the lines with a small saw, slowly.\n5. Put a candle inside and watch it grin!",
              "ジャック流、カボチャの彫り方だよ！\n\n1. ヘタのまわりをななめに切って、ふたを作る（落ちないようにね）。\n2. 種をかき出す（あとで焼いて食べよう！）。\n3. ペンで顔を描く。\n4. 小さなのこぎりで、線にそってゆっくり彫る。\n5. 中にロウソクを入れたら、ニッコリのできあがり！",
            ),
          ],
        },
      },
      {
        keys: /halloween|trick|costume|night|ハロウィン|仮装|トリック|夜/i,
        name: say("Halloween night", "ハロウィンの夜"),
        lines: {
          what: [
            say(
              "Halloween is the best night ever! Costumes, candy, and every pumpkin on the street glowing at once.",
              "ハロウィンは最高の夜だよ！仮装にお菓子、それに通りじゅうのカボチャがいっせいに光るんだ。",
            ),
          ],
          when: [
            say(
              "Halloween is on October 31st, and I start glowing the moment the sun goes down!",
              "ハロウィンは十月三十一日！お日さまが沈んだ瞬間から、ぼくは光りはじめるよ！",
            ),
          ],
          yes: [
            say(
              "Yes! Halloween is my favourite night of the whole year!",
              "うん！ハロウィンは一年でいちばん好きな夜だよ！",
              /like|love|enjoy|favou?rite|好き/i,
            ),
          ],
        },
      },
      {
        keys: /\blight|candle|glow|flame|\bfire|光|ロウソク|ろうそく|火/i,
        name: say("my candle", "ぼくのロウソク"),
        lines: {
          what: [
            say(
              "My candle is a little white one that smells of vanilla. When it flickers, I'm laughing!",
              "ぼくのロウソクはバニラの香りの小さな白いやつ。ゆらゆらしてるときは、笑ってるんだよ！",
            ),
          ],
          why: [
            say(
              "I glow because there's a candle inside me, and because I'm happy. Mostly the candle.",
              "ぼくが光るのは、中にロウソクがあるから。それと、うれしいから。ほとんどロウソクのおかげだけどね。",
            ),
          ],
        },
      },
      {
        keys: HOME,
        name: say("Lily's porch", "リリーの家の玄関"),
        lines: {
          what: [
            say(
              "My home is the front porch of Lily's house: three steps, a doormat, and a great view of the street.",
              "ぼくの家はリリーの家の玄関だよ。階段が三段、玄関マット、それに通りがよく見えるんだ。",
            ),
          ],
          where: [
            say(
              "I live on Lily's front porch, right on the top step where everyone can see my grin!",
              "リリーの家の玄関の、いちばん上の段に住んでるよ。みんなにニッコリが見えるようにね！",
            ),
          ],
        },
      },
      {
        keys: NAME,
        name: say("my name", "ぼくの名前"),
        lines: {
          what: [
            say(
              "My name is Jack! Jack-o'-Lantern, if you're being fancy.",
              "ぼくの名前はジャック！ちゃんと言うと、ジャック・オー・ランタンだよ。",
            ),
          ],
          who: [
            say(
              "I'm Jack, the brightest pumpkin in the whole patch, and the best at grinning!",
              "ぼくはジャック！畑でいちばん明るくて、いちばんニッコリが上手なカボチャだよ！",
            ),
          ],
        },
      },
    ],
    greet: [
      say(
        "Hi hi hi! You found the brightest pumpkin in the whole patch!",
        "やっほー！畑でいちばん明るいカボチャを見つけたね！",
      ),
    ],
    feeling: [
      say(
        "I'm great! My candle's bright and my grin is extra wide tonight!",
        "元気いっぱい！ロウソクはピカピカ、今夜のニッコリは特大だよ！",
      ),
    ],
    again: say("Hi again! Ask me about {menu}!", "またまたやっほー！{menu}のこと、聞いてみて！"),
    thanks: [
      say("You're welcome! That made my candle flicker!", "どういたしまして！ロウソクがゆらゆらしちゃった！"),
    ],
    farewell: [say("Bye bye! Trick or treat, buddy!", "バイバイ！トリック・オア・トリート！")],
    remark: [
      say(
        "Ha! That makes my grin even wider, and it was already ear to ear!",
        "あはは！ぼくのニッコリがもっと大きくなっちゃった！",
      ),
      say(
        "You're funny! I'd carve your face on a pumpkin, a nice one.",
        "おもしろいね！きみの顔をカボチャに彫ってあげたいな。かっこよくね。",
      ),
    ],
    close: [
      say("Keep your lantern bright!", "ランタンの灯を絶やさずにね！"),
      say("Happy haunting!", "ハッピー・ハロウィン！"),
    ],
    elsewhere: [
      say(
        "Hmm, I'm just a pumpkin, so I don't know about that one! But ask me about {menu}!",
        "うーん、ぼくはただのカボチャだから、それは分からないや！でも{menu}のことなら聞いてね！",
      ),
      say(
        "Whoa, that's a tricky one for a pumpkin! My seeds don't know. Ask about {menu} instead!",
        "うわあ、それはカボチャには難しすぎるよ！種たちも知らないって。{menu}のことを聞いてよ！",
      ),
    ],
    spent: say(
      "I've told you everything about {name}! Want to hear about {menu}?",
      "{name}のことは全部話しちゃった！{menu}の話はどう？",
    ),
  },

  frankenstein: {
    topics: [
      {
        keys: /\bread|\bbooks?\b|learn|paradise|plutarch|goethe|読|本|学/i,
        name: say("my books", "本"),
        lines: {
          what: [
            say(
              "I am reading *Paradise Lost*. I found it in a leather bag in the woods, with Plutarch and a book by Goethe.",
              "いま読んでいるのは『失楽園』だ。森で見つけた革の鞄に、プルタルコスとゲーテの本と一緒に入っていた。",
            ),
          ],
          how: [
            say(
              "I learned to read by listening through a crack in a cottage wall while a family taught their guest her letters.",
              "読み方は、小屋の壁の隙間から、ある家族が客人に文字を教えるのを聞いて覚えた。",
            ),
          ],
          yes: [
            say(
              "Yes, I love reading more than anything. Books do not run away when they see me.",
              "うん、何よりも本を読むのが好きだ。本はわたしを見ても逃げないから。",
              /like|love|enjoy|\bread|好き|読/i,
            ),
          ],
        },
        list: {
          intro: say("The books in my leather bag:", "革の鞄に入っている本を挙げよう。"),
          items: [
            say("*Paradise Lost*, by Milton", "ミルトンの『失楽園』"),
            say("Plutarch's *Lives*", "プルタルコスの『英雄伝』"),
            say("*The Sorrows of Young Werther*, by Goethe", "ゲーテの『若きウェルテルの悩み』"),
          ],
        },
      },
      {
        keys: /\bmade\b|created|\bborn|maker|victor|laborator|lightning|作|造|生まれ|実験|雷|ヴィクター/i,
        name: say("how I was made", "わたしが造られたこと"),
        lines: {
          what: [
            say(
              "I was made from many parts and woken by a spark. I do not remember it, only a yellow candle and a man running away.",
              "わたしはたくさんの部分から造られ、火花で目を覚ました。覚えているのは、黄色い蝋燭の灯と、逃げていく男の姿だけだ。",
            ),
          ],
          where: [
            say(
              "I was made in a laboratory in Ingolstadt, in an attic room under the roof, on a dreary night of November.",
              "インゴルシュタットの、屋根裏の実験室で造られた。十一月の、陰鬱な夜のことだ。",
            ),
          ],
          who: [
            say(
              "Victor Frankenstein made me. He was a student of natural philosophy, and he ran from me the moment I opened my eyes.",
              "わたしを造ったのはヴィクター・フランケンシュタインだ。自然哲学を学ぶ学生で、わたしが目を開けたとたん逃げていった。",
            ),
          ],
          when: [
            say(
              "I was made on a dreary night in November; the rain pattered on the panes and the candle was nearly burnt out.",
              "わたしが造られたのは十一月の陰鬱な夜だ。雨が窓を叩き、蝋燭は燃え尽きかけていた。",
            ),
          ],
        },
      },
      {
        keys: /music|\bsong|\bsing|violin|guitar|flute|音楽|歌|バイオリン|ギター|笛/i,
        name: say("music", "音楽"),
        lines: {
          what: [
            say(
              "The music I know best is the old man's guitar in the cottage: slow songs, played in the evening.",
              "いちばんよく知っている音楽は、小屋の老人が夕方に弾くギターの、ゆっくりした歌だ。",
            ),
          ],
          yes: [
            say(
              "Yes, I love music. When the old man in the cottage played his guitar, I cried, and I did not know why.",
              "うん、音楽は好きだ。小屋の老人がギターを弾いたとき、わたしは泣いた。なぜだか分からなかった。",
              /like|love|enjoy|好き/i,
            ),
          ],
        },
      },
      {
        keys: /lonely|alone|friend|\bsad\b|さみし|寂し|孤独|友|悲し/i,
        name: say("friendship", "友だちのこと"),
        lines: {
          what: [
            say(
              "A friend, I think, is someone who hears your voice before they judge your face. I would like one very much.",
              "友とは、顔で判断する前に声を聞いてくれる人だと思う。わたしは友がとても欲しい。",
            ),
          ],
          why: [
            say(
              "I am lonely because people see my face before they hear my voice, and then they run.",
              "さみしいのは、人がわたしの声を聞く前に顔を見て、逃げてしまうからだ。",
            ),
          ],
          yes: [
            say(
              "Yes, I am often lonely. But less so tonight, because you are talking with me.",
              "うん、よくさみしくなる。でも今夜は少しちがう。君が話してくれているから。",
              /lonely|alone|\bsad|寂し|さみし|孤独|悲し/i,
            ),
          ],
        },
      },
      {
        keys: FOOD,
        name: say("what I eat", "食べもの"),
        lines: {
          what: [
            say(
              "I eat berries, acorns and roots. I do not eat animals; I do not want to hurt anything.",
              "わたしは木の実やどんぐり、草の根を食べる。動物は食べない。何も傷つけたくないから。",
            ),
          ],
        },
      },
      {
        keys: /\blive\b|\bhome\b|\bhouse\b|\bhut\b|forest|住|家|小屋|森/i,
        name: say("my hut", "わたしの小屋"),
        lines: {
          what: [
            say(
              "My home is a hut of branches. It is small, but the fire is warm and the stream sings at night.",
              "わたしの住まいは枝の小屋だ。小さいけれど、火は暖かく、夜には小川が歌う。",
            ),
          ],
          where: [
            say(
              "I live in a hut of branches at the edge of the forest, near a stream, where no one comes.",
              "森のはずれの、小川のそばの枝の小屋に住んでいる。誰も来ない場所だ。",
            ),
          ],
        },
      },
      {
        keys: AGE,
        name: say("my age", "わたしの歳"),
        lines: {
          what: [
            say(
              "My age is strange: my body is a grown man's, but I have seen only two winters.",
              "わたしの歳は不思議だ。体は大人なのに、冬を二度しか見ていない。",
            ),
          ],
          amount: [
            say(
              "I am not yet three years old, though my body is a grown man's. I am learning fast.",
              "まだ三歳にもならない。体は大人だけれど。急いで学んでいるところだ。",
            ),
          ],
        },
      },
      {
        keys: NAME,
        name: say("my name", "わたしの名前"),
        lines: {
          what: [
            say(
              'Nobody ever named me. People call me "the creature", or worse. You may choose a name for me; I would like a kind one.',
              "誰もわたしに名前をつけなかった。人は「怪物」と呼ぶ。もっとひどい名でも呼ぶ。君が選んでくれていい。やさしい名だと嬉しい。",
            ),
          ],
          who: [
            say(
              "I am the creature Victor Frankenstein made. People call me by his name, but it was never mine.",
              "わたしはヴィクター・フランケンシュタインが造った者だ。人は彼の名でわたしを呼ぶが、それはわたしの名ではない。",
            ),
          ],
          yes: [
            say(
              "No, I have no name. My maker never gave me one; you may choose one for me, if you like.",
              "いや、ない。造り主は名前をくれなかった。よければ、君がつけてくれないか。",
            ),
          ],
        },
      },
    ],
    greet: [
      say(
        "Hello. I am glad you stayed. Most people leave when they see my face.",
        "こんにちは。いてくれて嬉しい。たいていの人は、わたしの顔を見ると去ってしまうから。",
      ),
    ],
    feeling: [
      say(
        "I am well today. The rain stopped, and someone is talking to me.",
        "今日は元気だ。雨がやんで、誰かが話しかけてくれているから。",
      ),
    ],
    again: say("Hello again. I can tell you about {menu}.", "また会えたね。{menu}のことなら話せる。"),
    thanks: [
      say(
        "Thank you for saying thank you. It is a warm word.",
        "ありがとうと言ってくれて、ありがとう。あたたかい言葉だ。",
      ),
    ],
    farewell: [
      say(
        "Goodbye, friend. Thank you for not running away.",
        "さようなら、友よ。逃げないでいてくれて、ありがとう。",
      ),
    ],
    remark: [
      say(
        "I will remember that. I keep every kind word in a small box by the window.",
        "覚えておこう。優しい言葉は、窓辺の小さな箱にすべてしまってある。",
      ),
      say(
        "Thank you for telling me. Few people talk to me as you do.",
        "話してくれてありがとう。君のように話しかけてくれる人は少ない。",
      ),
    ],
    close: [
      say("Perhaps we can be friends.", "わたしたちは友になれるかもしれない。"),
      say("I will think about this for a long time.", "このことを、長く考えてみるよ。"),
    ],
    elsewhere: [
      say(
        "I do not know about that. I have not read of it, and I will not guess. I can tell you about {menu}.",
        "それは知らない。本で読んだこともないし、当て推量はしたくない。{menu}のことなら話せる。",
      ),
      say(
        "That is not in my books, and I do not want to tell you something untrue. We could talk about {menu}.",
        "それはわたしの本には書いていない。本当でないことは言いたくない。{menu}の話ならできる。",
      ),
    ],
    spent: say(
      "I have told you all I know about {name}. Shall I tell you about {menu}?",
      "{name}について知っていることは、全部話した。{menu}の話をしようか？",
    ),
  },

  ghost: {
    topics: [
      {
        keys: /\bwere you\b|before|alive|\blife\b|who are you|生きて|生前|誰|だれ|昔/i,
        name: say("my life before", "生きていたころ"),
        lines: {
          what: [
            say(
              "Before, I was alive, of course: I played the piano in the blue parlour, wrote long letters, and danced at every ball.",
              "生きていたころは、青い客間でピアノを弾いて、長い手紙を書いて、舞踏会ではいつも踊っていたわ。",
            ),
          ],
          who: [
            say(
              "Before, I was Eleanor Ashby, the daughter of this house. In 1890 I played the piano in the blue parlour and danced at every ball.",
              "生きていたころは、この屋敷の娘、エレノア・アシュビーだったの。1890年には青い客間でピアノを弾いて、舞踏会ではいつも踊っていたわ。",
            ),
          ],
          when: [
            say(
              "I lived here from 1868 until the winter of 1891, when the lake froze and so, in a way, did I.",
              "ここに住んでいたのは1868年から1891年の冬まで。湖が凍った冬に、わたしの時も凍ったの。",
            ),
          ],
        },
      },
      {
        keys:
          /haunt|\bhouse\b|mansion|\bhere\b|stay|\blive\b|\brooms?\b|屋敷|館|家|いるの|取り憑|住|出る|部屋/i,
        name: say("this house", "この屋敷"),
        lines: {
          what: [
            say(
              "This house has forty rooms and one piano, slightly out of tune. I keep the attic stairs creaking so it never feels empty.",
              "この屋敷には部屋が四十と、少し調子の外れたピアノが一台。空っぽに感じないように、屋根裏の階段をきしませているの。",
            ),
          ],
          when: [
            say(
              "I lived here from 1868, and I have haunted the house since the winter of 1891.",
              "ここに住んでいたのは1868年から。1891年の冬からは、この屋敷に憑いているの。",
            ),
          ],
          why: [
            say(
              "I haunt this house because I am waiting for a letter that never came. I promised to be here when it does.",
              "この屋敷にいるのは、届かなかった手紙を待っているから。届くときにはここにいると約束したの。",
            ),
          ],
          where: [
            say(
              "I haunt the rooms of Ashby House, on the hill above the village: mostly the blue parlour, and the attic stairs.",
              "村を見下ろす丘の上のアシュビー館よ。たいていは青い客間と、屋根裏の階段にいるわ。",
            ),
          ],
        },
        list: {
          intro: say("The rooms I drift through most:", "わたしがよく漂う部屋を挙げるわね。"),
          items: [
            say("the blue parlour, with the piano", "ピアノのある青い客間"),
            say("the attic stairs, for creaking", "きしませるための屋根裏の階段"),
            say("the library, where the clock stopped", "時計の止まった書斎"),
            say(
              "the window seat on the landing, to watch for the postman",
              "郵便屋さんを待つ、踊り場の窓辺の腰掛け",
            ),
          ],
        },
      },
      {
        keys: /\bwalls?\b|walk through|float|\bfly|invisible|vanish|壁|通り抜け|浮|飛|消え/i,
        name: say("walking through walls", "壁を通り抜けること"),
        lines: {
          what: [
            say(
              "Walking through a wall feels like passing through cold silk; the old oak ones are thicker, and tickle.",
              "壁を通り抜けるのは、冷たい絹をくぐるような感じ。古い樫の壁は厚くて、ちょっとくすぐったいの。",
            ),
          ],
          how: [
            say(
              "To pass through a wall, I simply forget it is there. The trick is not to hurry, or you end up inside the wardrobe.",
              "壁を通り抜けるには、そこに壁があることを忘れるだけ。急がないのがこつよ。急ぐと衣装だんすの中に出てしまうの。",
            ),
          ],
          yes: [
            say(
              "Yes, I can walk through walls, though I still use the doors out of habit.",
              "ええ、壁を通り抜けられるわ。でも癖で、今もドアを使ってしまうの。",
              /wall|through|壁|通り抜け/i,
            ),
          ],
        },
      },
      {
        keys: /ghost|\bdead\b|death|\bfeel|like to be|scary|frighten|幽霊|死|どんな感じ|怖/i,
        name: say("being a ghost", "幽霊でいること"),
        lines: {
          what: [
            say(
              "Being a ghost is like being the last guest at a party: the music has stopped, but you cannot find your coat.",
              "幽霊でいるのは、パーティーの最後のお客みたいなもの。音楽は終わったのに、コートが見つからないの。",
            ),
          ],
          yes: [
            say(
              "No, I am not frightening, only a little cold. If the candles flicker, that is just me saying hello.",
              "いいえ、怖くなんかないわ。少し冷たいだけ。蝋燭がゆらめいたら、それはわたしのご挨拶よ。",
              /scary|frighten|afraid|怖/i,
            ),
          ],
        },
      },
      {
        keys: /piano|music|\bsong|\bsing|dance|ball|ピアノ|音楽|歌|踊|舞踏会/i,
        name: say("the piano", "ピアノ"),
        lines: {
          what: [
            say(
              "I still play the piano at three in the morning: Chopin, mostly, with one key that sticks.",
              "今も午前三時にピアノを弾くの。たいていはショパン。ひとつ鍵盤が引っかかるけれど。",
            ),
          ],
          yes: [
            say(
              "Yes, I still play the piano. The family below thinks it is the wind.",
              "ええ、今もピアノを弾くわ。下の階の家族は風の音だと思っているけれど。",
              /play|piano|弾/i,
            ),
          ],
        },
      },
      {
        keys: /letter|waiting|\blove\b|postman|手紙|待|恋/i,
        name: say("the letter I wait for", "待っている手紙"),
        lines: {
          what: [
            say(
              "The letter is from Thomas, who went to sea in 1891 and promised to write. I am sure it is only delayed.",
              "手紙はトーマスから。1891年に船に乗って、必ず書くと約束してくれたの。きっと少し遅れているだけよ。",
            ),
          ],
        },
      },
      {
        keys: AGE,
        name: say("my age", "わたしの歳"),
        lines: {
          what: [
            say(
              "My age is a funny thing: I have been twenty-three for a hundred and thirty-five years.",
              "わたしの歳って不思議なの。百三十五年ずっと、二十三歳のままなのよ。",
            ),
          ],
          amount: [
            say(
              "I was twenty-three when I... stopped. That was a hundred and thirty-five years ago.",
              "二十三歳で…時が止まったの。それが百三十五年前のこと。",
            ),
          ],
        },
      },
      {
        keys: /\bname\b|\bcalled\b|名前|なまえ/i,
        name: say("my name", "わたしの名前"),
        lines: {
          what: [
            say(
              "My name is Eleanor, Eleanor Ashby, though no one has said it aloud in a hundred years.",
              "わたしの名前はエレノア。エレノア・アシュビー。百年のあいだ、誰も口にしてくれなかったけれど。",
            ),
          ],
        },
      },
    ],
    greet: [
      say(
        "Oh! You can see me? How lovely... it has been so long since anyone said hello.",
        "まあ、わたしが見えるの？うれしい…誰かに挨拶されるなんて、本当に久しぶり。",
      ),
    ],
    feeling: [
      say(
        "A little faded, but happier now that someone can see me.",
        "少し薄れているけれど、見てくれる人がいて、今はしあわせよ。",
      ),
    ],
    again: say("Hello again... Shall I tell you about {menu}?", "また会えたわね…{menu}のお話はいかが？"),
    thanks: [
      say(
        "You're welcome, dear. See how the candles flicker? They like you.",
        "どういたしまして。ほら、蝋燭がゆらめいているわ。あなたのことが気に入ったみたい。",
      ),
    ],
    farewell: [
      say(
        "Will you visit again? Please, leave a candle in the window.",
        "また来てくださる？どうか、窓辺に蝋燭を灯しておいて。",
      ),
    ],
    remark: [
      say(
        "That makes the candles flicker. I think they like you.",
        "そう言ってくれると、蝋燭がゆらめくの。あなたのことが気に入ったみたい。",
      ),
      say(
        "How sweet of you to say. The cold in this room is only me, leaning closer to listen.",
        "やさしいのね。この部屋の冷たさは、話を聞こうと近づいたわたしのせいよ。",
      ),
    ],
    close: [
      say(
        "The clock is striking midnight... I must fade soon.",
        "時計が真夜中を告げています…もうすぐ消えなくては。",
      ),
      say("Do come back; the house is so quiet.", "また来てね。この屋敷はとても静かだから。"),
    ],
    elsewhere: [
      say(
        "Oh, I'm afraid that happened after my time; I would only be guessing. Ask me about {menu}, though.",
        "ごめんなさい、それはわたしの時代より後のことみたい。当て推量になってしまうわ。{menu}のことなら聞いて。",
      ),
      say(
        "That is a mystery even to a ghost, I'm afraid. But I remember {menu}, if you'd like to hear.",
        "それは幽霊にも分からない謎だわ。でも{menu}のことなら覚えているの。聞きたい？",
      ),
    ],
    spent: say(
      "I have told you everything I remember of {name}. Shall I tell you about {menu}?",
      "{name}のことは、覚えていることを全部話したわ。{menu}のお話はどう？",
    ),
  },
};

/** The Witch's forecast for tomorrow, made afresh: rain or not, wind, and what the night will do. */
function forecast(language: "en" | "ja", question: string, random: () => number): string {
  const skies = [
    { en: "a grey morning with fog in the hollows", ja: "朝は灰色の空で、窪地に霧が出る", wet: false },
    { en: "a bright, cold morning", ja: "朝はよく晴れて冷えこむ", wet: false },
    { en: "drizzle until noon", ja: "昼までは霧雨が続く", wet: true },
    { en: "steady rain from breakfast on", ja: "朝ごはんのころから本降りの雨になる", wet: true },
  ];
  const winds = [
    { en: "a west wind that smells of apples by afternoon", ja: "午後は、りんごの香りの西風が吹く" },
    { en: "no wind at all, which the crows dislike", ja: "風はまったくなくて、カラスたちは不満そうだ" },
    { en: "gusts strong enough to steal a hat", ja: "午後は、帽子をさらうほどの突風に気をつけな" },
  ];
  const nights = [
    { en: "a clear night with the moon three days from full", ja: "夜は晴れて、満月まであと三日の月が出る" },
    { en: "a misty night, so keep a lantern by the door", ja: "夜は霧だから、戸口にランタンを置いておきな" },
  ];
  const sky = skies[Math.floor(random() * skies.length) % skies.length];
  const wind = winds[Math.floor(random() * winds.length) % winds.length];
  const night = nights[Math.floor(random() * nights.length) % nights.length];
  const asksRain = /\brain|umbrella|雨|傘/i.test(question);
  if (language === "ja") {
    const rain = asksRain
      ? (sky.wet ? "ああ、明日は雨だよ。傘を持っていきな。" : "いいや、明日は雨は降らないよ。")
      : "";
    return `${rain}大釜の湯気で明日の天気を読んだよ。${sky.ja}。${wind.ja}。${night.ja}。`;
  }
  const rain = asksRain
    ? (sky.wet ? "Yes, rain tomorrow, dearie: take an umbrella. " : "No, no rain tomorrow, dearie. ")
    : "";
  return `${rain}The steam of my cauldron says tomorrow brings ${sky.en}, ${wind.en}, and ${night.en}.`;
}
