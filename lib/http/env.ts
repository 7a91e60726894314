import type { SessionVariables } from "./session_middleware.ts";

/** The Hono environment every route shares. */
export type AppEnv = {
  Variables: SessionVariables & {
    /** The server's id for this request. */
    traceId: string;
    /** The client's own X-Request-Id, when it sent a well-formed one. */
    clientTraceId?: string;
  };
};
