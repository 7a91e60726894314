/** axe-core (from npm) run inside a test page: the accessibility rules a person's tools check. */
import axe from "axe-core";
import type { Page } from "playwright-core";

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Every axe-core violation on the page as it is now (WCAG 2.x A/AA and best practices). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => "axe" in globalThis))) await page.addScriptTag({ content: axe.source });
  return await page.evaluate(async () => {
    const run = (globalThis as unknown as {
      axe: {
        run: (context: Document, options: unknown) => Promise<{
          violations: Array<
            { id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }
          >;
        }>;
      };
    }).axe.run;
    const result = await run(document, {
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
      },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
    }));
  });
}

/** Violations in words, for an assertion message. */
export const describeViolations = (violations: AxeViolation[]) =>
  violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.slice(0, 4).join(", ")}`).join("\n");
