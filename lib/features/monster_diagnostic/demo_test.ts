import { equal, ok } from "node:assert/strict";
import { demoAnswer, diagnose } from "./demo.ts";

const random = () => 0.5;
const answer = (language: "en" | "ja", inputs: Record<string, string>) =>
  demoAnswer({ inputs, language, lastUserMessage: "", random });

/** Four answers, and the monster the visible rules make of them. */
const CASES: Array<[Record<string, string>, string]> = [
  [
    { favorite_food: "garlic bread", sleep_schedule: "noon to dusk", hobby: "organ music", fear: "mirrors" },
    "ghost",
  ],
  [{
    favorite_food: "tomato juice",
    sleep_schedule: "all day, in a coffin",
    hobby: "the opera",
    fear: "sunlight",
  }, "vampire"],
  [{
    favorite_food: "rare steak",
    sleep_schedule: "whenever the moon allows",
    hobby: "running in the forest",
    fear: "silver",
  }, "werewolf"],
  [{
    favorite_food: "pumpkin soup",
    sleep_schedule: "after midnight",
    hobby: "brewing potions",
    fear: "water",
  }, "witch"],
  [{
    favorite_food: "honey cakes",
    sleep_schedule: "for centuries",
    hobby: "visiting museums",
    fear: "tomb robbers",
  }, "mummy"],
  [
    { favorite_food: "anything", sleep_schedule: "never", hobby: "building robots", fear: "fire" },
    "creature",
  ],
  [{ favorite_food: "ニンニク", sleep_schedule: "昼から夕方", hobby: "オルガン演奏", fear: "鏡" }, "ghost"],
  [
    { favorite_food: "トマトジュース", sleep_schedule: "昼間、棺の中", hobby: "オペラ", fear: "日光" },
    "vampire",
  ],
  [
    { favorite_food: "ステーキ", sleep_schedule: "満月しだい", hobby: "森を走ること", fear: "銀" },
    "werewolf",
  ],
  [
    { favorite_food: "かぼちゃのスープ", sleep_schedule: "真夜中すぎ", hobby: "薬草集め", fear: "水" },
    "witch",
  ],
  [{ favorite_food: "蜂蜜", sleep_schedule: "何千年も", hobby: "博物館めぐり", fear: "盗掘" }, "mummy"],
  [{ favorite_food: "電気", sleep_schedule: "眠らない", hobby: "ロボット工作", fear: "火" }, "creature"],
];

Deno.test("the diagnosis follows visible rules from the four answers: a garlic lover is no vampire", () => {
  for (const [inputs, monster] of CASES) equal(diagnose(inputs).monster, monster, JSON.stringify(inputs));
});

Deno.test("the analysis says which answer pointed where, every answer quoted, in whole sentences", () => {
  for (const [inputs] of CASES) {
    const language = /[\u3040-\u30ff\u4e00-\u9fff]/.test(Object.values(inputs).join("")) ? "ja" : "en";
    const text = answer(language, inputs);
    const analysis = text.split("\n")[1];
    for (const value of Object.values(inputs)) ok(analysis.includes(value), `${value} in: ${analysis}`);
    if (language === "en") {
      ok(!/sleeps? asleep|\bat at\b|\ba a\b/i.test(analysis), analysis);
      ok(/All told, you are an? /.test(analysis), analysis);
      ok(analysis.split(". ").every((sentence) => /^[A-Z"]/.test(sentence.trim())), analysis);
    } else {
      ok(!/に眠り|寝て夜に起きるに/.test(analysis), analysis);
      ok(/すべてを合わせると、あなたは.+です。$/.test(analysis), analysis);
    }
  }
  const garlic = answer("en", CASES[0][0]);
  ok(garlic.includes('Anyone who enjoys "garlic bread" is certainly no vampire.'), garlic);
  ok(answer("ja", CASES[6][0]).includes("「ニンニク」が好きなら、吸血鬼でないことは確かです。"));
});
