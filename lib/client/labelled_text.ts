/**
 * Splits an answer written as labelled lines ("Spell: …", "Meaning: …") into its parts. Works on
 * partial text mid-stream; labels may use an ASCII or a full-width colon.
 */
export function parseLabelled<K extends string>(
  text: string,
  labels: Record<K, string[]>,
): Partial<Record<K, string>> {
  const found: Array<{ key: K; at: number; length: number }> = [];
  for (const [key, names] of Object.entries(labels) as Array<[K, string[]]>) {
    for (const name of names) {
      const bare = name.replace(/[:：]\s*$/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const match = new RegExp(`(^|\\n)\\s*(?:\\*\\*)?${bare}(?:\\*\\*)?\\s*[:：]\\s*(?:\\*\\*)?`, "i").exec(
        text,
      );
      if (match) {
        found.push({ key, at: match.index, length: match[0].length });
        break;
      }
    }
  }
  found.sort((a, b) => a.at - b.at);
  const parts: Partial<Record<K, string>> = {};
  found.forEach((entry, index) => {
    const end = index + 1 < found.length ? found[index + 1].at : text.length;
    parts[entry.key] = text.slice(entry.at + entry.length, end).trim();
  });
  return parts;
}
