/** What a feature gives the page: its tab's icon and the panel that renders it. */
import type { JSX } from "preact";
import type { ConversationBook } from "../client/conversation.ts";
import type { FeatureName, Language } from "../shared/contract.ts";
import type { Translate } from "../../components/translate.ts";

export interface PanelProps {
  book: ConversationBook;
  language: Language;
  busy: boolean;
  selected: boolean;
  t: Translate;
  /** Where the reader was, from the page's URL (`?character=witch`): each panel reads its own. */
  place: Readonly<Record<string, string>>;
}

export interface PanelEntry {
  /** The feature's name (as its definition says); its tab's label is the dictionary's `feature.{name}`. */
  name: FeatureName;
  /** Shown before the tab's label. */
  icon: string;
  Panel: (props: PanelProps) => JSX.Element;
}
