import type { Language } from "../../shared/contract.ts";
import { MONSTER_LABELS } from "./labels.ts";

export interface MonsterAnswers {
  favorite_food: string;
  sleep_schedule: string;
  hobby: string;
  fear: string;
}

export function monsterSystemPrompt(language: Language): string {
  const l = MONSTER_LABELS[language];
  return language === "ja"
    ? `あなたはハロウィンのモンスター診断士です。必ず日本語で答えてください。ユーザーの回答から、その人がどのモンスターかを診断し、次の形式で答えてください。\n${l.type} （モンスターの名前）\n${l.analysis} （ユーザーの回答に触れながら3〜4文で）\n${l.fact} （そのモンスターに関する豆知識を1つ）\n診断の後の質問には、診断結果を踏まえて2〜4文で答えてください。`
    : `You are a Halloween monster diagnostician. Always answer in English. From the user's answers, decide which monster they are and answer exactly in this form:\n${l.type} (the monster's name)\n${l.analysis} (3–4 sentences that refer to the user's answers)\n${l.fact} (one fun fact about that monster)\nAnswer follow-up questions about the diagnosis in 2–4 sentences, in keeping with it.`;
}

export function monsterUserMessage(answers: MonsterAnswers, language: Language): string {
  return language === "ja"
    ? `好きな食べ物: ${answers.favorite_food}\n睡眠スケジュール: ${answers.sleep_schedule}\n趣味: ${answers.hobby}\n怖いもの: ${answers.fear}`
    : `Favorite food: ${answers.favorite_food}\nSleep schedule: ${answers.sleep_schedule}\nHobby: ${answers.hobby}\nFear: ${answers.fear}`;
}
