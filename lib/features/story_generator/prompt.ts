import type { Language } from "../../shared/contract.ts";

import type { StoryStyle } from "../../shared/contract.ts";
export { STORY_STYLES, type StoryStyle } from "../../shared/contract.ts";

const styles: Record<StoryStyle, Record<Language, string>> = {
  gothic: { en: "a dark, atmospheric gothic tale", ja: "暗く雰囲気のあるゴシック調の物語" },
  parody: { en: "a humorous Halloween parody", ja: "ユーモアたっぷりのハロウィンのパロディ" },
  classic: { en: "a suspenseful classic ghost story", ja: "緊張感のある古典的な怪談" },
};

export function storySystemPrompt(language: Language): string {
  return language === "ja"
    ? "あなたはハロウィンの物語を書く作家です。必ず日本語で書いてください。最初の行に「# 」で始まるタイトルを書き、続けて4〜6段落の物語を書いてください。Markdownを使ってかまいません。HTMLは使わないでください。"
    : 'You are a writer of Halloween stories. Always write in English. Start with a title line beginning with "# ", then write a story of 4–6 paragraphs. Markdown is allowed; HTML is not.';
}

export function storyUserMessage(
  input: { name: string; theme: string; style: StoryStyle },
  language: Language,
): string {
  return language === "ja"
    ? `主人公「${input.name}」、テーマ「${input.theme}」で、${styles[input.style].ja}を書いてください。`
    : `Write ${styles[input.style].en} whose protagonist is "${input.name}", on the theme "${input.theme}".`;
}
