import type { LogLevel } from "./config.ts";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;
export type Logger = (level: LogLevel, message: string, fields?: LogFields) => void;

/**
 * A structured logger: one JSON object per line, on stdout (stderr for warn and error). Any
 * `secrets` (the API key) are replaced wherever they appear, even inside an upstream's message.
 */
export function createLogger(
  minimum: LogLevel,
  write?: (line: string, level: LogLevel) => void,
  secrets: Array<string | undefined> = [],
): Logger {
  const out = write ??
    ((line, level) => (ORDER[level] >= ORDER.warn ? console.error(line) : console.log(line)));
  const hidden = secrets.filter((secret): secret is string => !!secret && secret.length >= 4);
  return (level, message, fields) => {
    if (ORDER[level] < ORDER[minimum]) return;
    let line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
    for (const secret of hidden) line = line.replaceAll(secret, "[redacted]");
    out(line, level);
  };
}
