import { Hono } from "hono";
import { render } from "preact-render-to-string";
import { Island } from "../components/island.tsx";
import { type Assets, Page } from "../components/page.tsx";
import KabotanApp, { type KabotanAppProps } from "../islands/kabotan_app.tsx";
import type { Config } from "../lib/config.ts";
import type { AppEnv } from "../lib/http/env.ts";
import { isLanguage, languageFromAcceptLanguage, translate } from "../lib/i18n/mod.ts";

/** `GET /`: the whole app, server-rendered, with the app island. */
export function pageRoutes({ config, assets }: { config: Config; assets: Assets }): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/", (c) => {
    const query = c.req.query("lang");
    const language = isLanguage(query) ? query : languageFromAcceptLanguage(c.req.header("accept-language"));
    const props: KabotanAppProps = {
      language,
      streaming: config.streaming.enabled,
      updateIntervalMs: config.streaming.updateIntervalMs,
      demo: config.llm.provider === "demo",
    };
    const html = render(
      <Page language={language} title={translate(language, "app.title")} assets={assets}>
        <Island name="KabotanApp" component={KabotanApp} props={props} />
      </Page>,
    );
    return c.html(`<!DOCTYPE html>${html}`);
  });
}
