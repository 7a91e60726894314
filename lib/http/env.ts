import type { RequestIdVariables } from "hono/request-id";

/** The Hono environment every route shares. */
export type AppEnv = { Variables: RequestIdVariables };
