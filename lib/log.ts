import type { LogLevel } from "./config.ts";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;
export type Logger = (level: LogLevel, message: string, fields?: LogFields) => void;

/** A structured logger: one JSON object per line, on stdout (stderr for warn and error). */
export function createLogger(minimum: LogLevel, write?: (line: string, level: LogLevel) => void): Logger {
  const out = write ??
    ((line, level) => (ORDER[level] >= ORDER.warn ? console.error(line) : console.log(line)));
  return (level, message, fields) => {
    if (ORDER[level] < ORDER[minimum]) return;
    out(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }), level);
  };
}

export const silentLogger: Logger = () => {};
