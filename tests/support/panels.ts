/** The features' tabs in page order, as the generated panel list has them. */
import { PANELS } from "../../lib/features/panels.gen.ts";

export const PANELS_IN_ORDER: readonly string[] = PANELS.map(({ name }) => name);
