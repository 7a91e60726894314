import type { RequestIdVariables } from "hono/request-id";
import type { SessionVariables } from "../session/middleware.ts";

/** The Hono environment every route shares. */
export type AppEnv = { Variables: RequestIdVariables & SessionVariables };
