/** Zod field builders with the clear, field-naming messages the API promises. */
import { z } from "zod";

/** Control characters other than tab and newlines: never meaningful in a prompt. */
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function textOf(field: string) {
  return z.string({
    error: (issue) => issue.input === undefined ? `${field} is required` : `${field} must be text`,
  }).trim().refine((value) => !CONTROL.test(value), {
    error: `${field} must not contain control characters`,
  });
}

/**
 * Text kept as written (an earlier message of a conversation the client sends), under the same
 * rule as every other field: no control characters, at most `max` characters.
 */
export function verbatimText(field: string, max: number, what = field) {
  return z.string({ error: `${what} needs text content` })
    .max(max, { error: `${what} must be at most ${max} characters` })
    .refine((value) => !CONTROL.test(value), { error: `${field} must not contain control characters` });
}

export function requiredText(field: string, max: number) {
  return textOf(field)
    .pipe(z.string().min(1, { error: `${field} is required` }))
    .pipe(z.string().max(max, { error: `${field} must be at most ${max} characters` }));
}

export function optionalText(field: string, max: number) {
  return textOf(field)
    .pipe(z.string().max(max, { error: `${field} must be at most ${max} characters` }))
    .optional();
}

/** One of fixed values (after trimming and lower-casing), with optional aliases. */
export function choice<const T extends readonly [string, ...string[]]>(
  field: string,
  values: T,
  aliases: Record<string, T[number]> = {},
) {
  const message = `${field} must be one of: ${values.join(", ")}`;
  return z.preprocess(
    (input) => {
      if (typeof input !== "string") return input;
      const key = input.trim().toLowerCase();
      return aliases[key] ?? key;
    },
    z.enum(values, {
      error: (issue) => issue.input === undefined ? `${field} is required` : message,
    }),
  );
}

export type ParseResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: string; field?: string };

/** Validates `raw`; on failure gives the first problem's message and the field it concerns. */
export function parseWith<T>(schema: z.ZodType<T>, raw: unknown): ParseResult<T> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const field = typeof issue.path[0] === "string" ? issue.path[0] : undefined;
  return { ok: false, error: issue.message, field };
}
