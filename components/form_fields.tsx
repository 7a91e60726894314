import type { Signal } from "@preact/signals";
import type { Translate } from "./translate.ts";

export interface FieldSpec {
  label: string;
  value: string;
  max: number;
  required?: boolean;
}

/** The same checks the server makes, shown inline before anything is sent. */
export function firstProblem(fields: FieldSpec[], t: Translate): string | null {
  for (const field of fields) {
    const value = field.value.trim();
    if (field.required && !value) return t("validation.required", { field: field.label });
    if (value.length > field.max) return t("validation.too_long", { field: field.label, max: field.max });
  }
  return null;
}

/** A labelled single-line input bound to a signal. */
export function TextField({ id, label, value, max, required, placeholder, t }: {
  id: string;
  label: string;
  value: Signal<string>;
  max: number;
  required?: boolean;
  placeholder?: string;
  t: Translate;
}) {
  return (
    <label class="field">
      <span>
        {label} {required && <span class="required">{t("form.required_mark")}</span>}
      </span>
      <input
        id={id}
        name={id}
        type="text"
        maxLength={max}
        placeholder={placeholder}
        value={value.value}
        onInput={(e) => (value.value = (e.currentTarget as HTMLInputElement).value)}
      />
    </label>
  );
}

export function FieldError({ message }: { message: string | null }) {
  return message ? <p class="field-error" role="alert">{message}</p> : null;
}
