/**
 * An answer as a screen reader should hear it: its words without markdown's symbols (headings'
 * `#`, emphasis, code fences and backticks, list and quote markers, link syntax, table rules).
 */
export function spokenText(markdown: string): string {
  return markdown
    .replace(/^```.*$/gm, "") // code fences
    .replace(/^\s{0,3}#{1,6}\s+/gm, "") // headings
    .replace(/^\s{0,3}>\s?/gm, "") // quotes
    .replace(/^\s*(?:[-*+]|\d+[.)])\s+/gm, "") // list markers
    .replace(/^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$/gm, "") // table rules
    .replace(/\|/g, " ")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // links and images: their text
    .replace(/(\*\*|__|\*|_|~~|`)(?=\S)([\s\S]*?\S)\1/g, "$2") // emphasis and code
    .replace(/[ \t]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n{2,}/g, "\n")
    .trim();
}

/** "Name: words", unless the words already begin with the name (a spell that begins "Spell: …"). */
export function spokenAnswer(speaker: string, markdown: string): string {
  const words = spokenText(markdown);
  return words.toLowerCase().startsWith(`${speaker.toLowerCase()}:`) ||
      words.startsWith(`${speaker}：`)
    ? words
    : `${speaker}: ${words}`;
}
