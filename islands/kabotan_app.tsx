import { useComputed, useSignal } from "@preact/signals";
import { useMemo } from "preact/hooks";
import { browserCanStream, StreamController } from "../lib/client/stream_controller.ts";
import { FEATURE_NAMES, type FeatureName } from "../lib/features/feature.ts";
import { isLanguage, type Language } from "../lib/i18n/mod.ts";
import { ChatPanel } from "./ui/chat_panel.tsx";
import { translator } from "./ui/translate.ts";

export interface KabotanAppProps {
  language: Language;
  /** The server's ENABLE_STREAMING. */
  streaming: boolean;
  updateIntervalMs: number;
  demo: boolean;
}

/** The interactive app: language switch, feature tabs, and one panel per feature. */
export default function KabotanApp(props: KabotanAppProps) {
  const language = useSignal<Language>(props.language);
  const selected = useSignal<FeatureName>("character-chat");
  const controllers = useMemo(() => {
    const streaming = props.streaming && (typeof window === "undefined" || browserCanStream());
    const make = () => new StreamController({ streaming, updateIntervalMs: props.updateIntervalMs });
    return Object.fromEntries(FEATURE_NAMES.map((name) => [name, make()])) as Record<
      FeatureName,
      StreamController
    >;
  }, []);
  const busy = useComputed(() => FEATURE_NAMES.some((name) => controllers[name].active.value));
  const t = translator(language.value);

  function onTabKey(event: KeyboardEvent, index: number) {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    const next = FEATURE_NAMES[(index + step + FEATURE_NAMES.length) % FEATURE_NAMES.length];
    selected.value = next;
    document.getElementById(`tab-${next}`)?.focus();
  }

  return (
    <div class="app" lang={language.value}>
      <header class="topbar">
        <div class="brand">
          <span class="logo" aria-hidden="true">🎃</span>
          <div>
            <h1>{t("app.title")}</h1>
            <p class="tagline">{t("app.tagline")}</p>
          </div>
        </div>
        <div class="controls">
          {props.demo && (
            <span class="badge badge-demo" title={t("app.demo_note")}>{t("app.demo_badge")}</span>
          )}
          <label class="field inline">
            <span>{t("app.language")}</span>
            <select
              id="language-select"
              value={language.value}
              onChange={(e) => {
                const value = (e.currentTarget as HTMLSelectElement).value;
                if (isLanguage(value)) language.value = value;
              }}
            >
              <option value="en">English</option>
              <option value="ja">日本語</option>
            </select>
          </label>
        </div>
      </header>
      {props.demo && <p class="demo-note">{t("app.demo_note")}</p>}

      <nav class="tabs" role="tablist">
        {FEATURE_NAMES.map((name, index) => (
          <button
            key={name}
            id={`tab-${name}`}
            type="button"
            role="tab"
            class="tab"
            data-feature={name}
            aria-selected={selected.value === name ? "true" : "false"}
            aria-controls={`panel-${name}`}
            tabIndex={selected.value === name ? 0 : -1}
            onClick={() => (selected.value = name)}
            onKeyDown={(e) => onTabKey(e, index)}
          >
            {t(`feature.${name}`)}
          </button>
        ))}
      </nav>

      {FEATURE_NAMES.map((name) => (
        <section
          key={name}
          id={`panel-${name}`}
          role="tabpanel"
          aria-labelledby={`tab-${name}`}
          class="panel"
          hidden={selected.value !== name}
        >
          {name === "character-chat"
            ? <ChatPanel controller={controllers[name]} language={language.value} busy={busy.value} t={t} />
            : <p class="coming-soon">{t("feature.coming_soon")}</p>}
        </section>
      ))}
    </div>
  );
}
