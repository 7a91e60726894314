/**
 * Takes a secret (the API key) out of streamed text, even when the model writes it across
 * several deltas: text that ends with what could be the secret's beginning is held back until
 * the next delta says whether it is. Everything else passes at once.
 */
export const REDACTED = "[redacted]";

export class SecretRedactor {
  #held = "";

  constructor(private readonly secret: string) {}

  /** The text that is safe to send now. */
  push(text: string): string {
    const joined = this.#held + text;
    const clean = joined.replaceAll(this.secret, REDACTED);
    const keep = this.#possibleStart(clean);
    this.#held = clean.slice(clean.length - keep);
    return clean.slice(0, clean.length - keep);
  }

  /** The end of the text: what was held back was not the secret after all. */
  end(): string {
    const rest = this.#held;
    this.#held = "";
    return rest;
  }

  /**
   * The length of the longest end of `text` that is a beginning of the secret. Only places where
   * the secret's first character stands can start one: usually none, so a delta costs one scan.
   */
  #possibleStart(text: string): number {
    const from = Math.max(0, text.length - (this.secret.length - 1));
    for (let at = text.indexOf(this.secret[0], from); at !== -1; at = text.indexOf(this.secret[0], at + 1)) {
      if (this.secret.startsWith(text.slice(at))) return text.length - at;
    }
    return 0;
  }
}

/** A redactor for `secret`, or none where there is nothing worth hiding. */
export function redactorFor(secret: string | undefined): SecretRedactor | undefined {
  return secret && secret.length >= 8 ? new SecretRedactor(secret) : undefined;
}
