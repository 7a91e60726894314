import { useSignal, useSignalEffect } from "@preact/signals";
import { useRef } from "preact/hooks";
import type { ConversationBook } from "../lib/client/conversation.ts";
import { keepInUrl } from "../lib/client/kept_place.ts";
import type { ConversationSummary } from "../lib/shared/contract.ts";
import type { Translate } from "./translate.ts";

/**
 * A shelf's conversations (a character's chats, the shelf of stories): New, the list with the one
 * shown marked, open, rename, delete with Undo, and what was removed to make room. On a wide
 * screen the list stands beside the conversation; on a phone it is one tap away, over the
 * conversation rather than above it. The URL names the conversation shown, so a reload (or the
 * link, in the same browser) opens it again.
 */
export function ConversationList(
  { book, shelf, t, language, selected, listLabel, newLabel, toggleLabel = listLabel, onGoTo }: {
    book: ConversationBook;
    shelf: string;
    t: Translate;
    language: string;
    /** Only the visible panel keeps its conversation in the URL. */
    selected: boolean;
    /** The list's name with its count ("Chats with Count Dracula (3)"). */
    listLabel: (count: number) => string;
    /** The New button's label; none for a shelf of results (a new request makes a new one). */
    newLabel?: string;
    /** A shorter name for the button that opens the list on a phone ("Chats (3)"). */
    toggleLabel?: (count: number) => string;
    /** Shows the conversation of another shelf (where an answer is being written). */
    onGoTo?: (shelf: string, id: string) => void;
  },
) {
  const expanded = useSignal(false);
  const renaming = useSignal<string | null>(null);
  const shown = book.idIn(shelf);
  const items = book.listOf(shelf);
  const listId = `list-${shelf.replace(/[^a-z0-9-]/g, "-")}`;
  const toggle = useRef<HTMLButtonElement>(null);

  useSignalEffect(() => {
    if (!selected) return;
    const id = book.idIn(shelf);
    const kept = book.list.value.some((c) => c.id === id) || book.bubbles(id).length > 0;
    keepInUrl("conversation", kept ? id : undefined);
  });

  const close = () => {
    if (!expanded.value) return;
    expanded.value = false;
    toggle.current?.focus();
  };
  const live = book.live.value;
  const writing = book.controller.active.value ? live : null;
  const elsewhere = writing !== null && writing !== shown
    ? book.list.value.find((c) => c.id === writing)
    : undefined;
  const removed = book.removed.value.filter((notice) => notice.feature === book.feature);
  const undo = book.pendingUndo.value;

  return (
    <div class="conversations-bar">
      <div class="conversations-tools">
        {newLabel && (
          <button
            type="button"
            class="btn btn-ghost new-conversation"
            disabled={book.bubbles(shown).length === 0 && !book.list.value.some((c) => c.id === shown)}
            onClick={() => {
              book.newConversation(shelf);
              close();
              document.querySelector<HTMLElement>(
                ".panel:not([hidden]) .composer textarea, .panel:not([hidden]) .composer input",
              )
                ?.focus();
            }}
          >
            <span aria-hidden="true">＋</span> {newLabel}
          </button>
        )}
        <button
          ref={toggle}
          type="button"
          class="btn btn-ghost list-toggle"
          aria-expanded={expanded.value ? "true" : "false"}
          aria-controls={listId}
          onClick={() => (expanded.value = !expanded.value)}
        >
          <span aria-hidden="true">☰</span> {toggleLabel(items.length)}
        </button>
        {undo && (
          <p class="note undo" role="status">
            {t("list.deleted", { title: undo.title })}
            <button type="button" class="btn btn-ghost btn-small" onClick={() => undo.undo()}>
              {t("list.undo")}
            </button>
          </p>
        )}
        <nav
          id={listId}
          class={`conversation-list${expanded.value ? " open" : ""}`}
          aria-label={listLabel(items.length)}
          onKeyDown={(event) => {
            if (event.key === "Escape" && expanded.value && !book.controller.active.value) {
              event.stopPropagation();
              close();
            }
          }}
        >
          <div class="list-head">
            <h2>{listLabel(items.length)}</h2>
            <button type="button" class="btn btn-ghost btn-small list-close" onClick={close}>
              {t("list.close")}
            </button>
          </div>
          {items.length === 0 && <p class="list-empty">{t("list.empty")}</p>}
          <ul>
            {items.map((item) => (
              <ConversationItem
                key={item.id}
                item={item}
                current={item.id === shown}
                writing={item.id === writing}
                renaming={renaming.value === item.id}
                language={language}
                t={t}
                onOpen={() => {
                  void book.openConversation(shelf, item.id);
                  close();
                }}
                onRename={() => (renaming.value = item.id)}
                onRenamed={(title) => {
                  renaming.value = null;
                  if (title !== undefined) void book.rename(item.id, title).catch(() => {});
                }}
                onDelete={() => book.remove(item.id)}
              />
            ))}
          </ul>
          {removed.map((notice) => (
            <p key={`${notice.at}-${notice.title}`} class="note removed">
              {t("list.removed", { title: notice.title })}
            </p>
          ))}
        </nav>
      </div>
      {elsewhere && (
        <p class="note elsewhere" role="status">
          {t("list.answer_elsewhere", { title: elsewhere.title })}
          <button
            type="button"
            class="btn btn-ghost btn-small"
            onClick={() =>
              onGoTo && elsewhere.shelf !== shelf
                ? onGoTo(elsewhere.shelf, elsewhere.id)
                : void book.openConversation(shelf, elsewhere.id)}
          >
            {t("list.go_there")}
          </button>
        </p>
      )}
      {expanded.value && <div class="list-backdrop" aria-hidden="true" onClick={close} />}
    </div>
  );
}

function ConversationItem(
  { item, current, writing, renaming, language, t, onOpen, onRename, onRenamed, onDelete }: {
    item: ConversationSummary;
    current: boolean;
    writing: boolean;
    renaming: boolean;
    language: string;
    t: Translate;
    onOpen: () => void;
    onRename: () => void;
    /** The new title, or undefined when renaming was cancelled. */
    onRenamed: (title?: string) => void;
    onDelete: () => void;
  },
) {
  const draft = useSignal(item.title);
  if (renaming) {
    return (
      <li class="conversation-item renaming">
        <form
          class="rename-form"
          onSubmit={(event) => {
            event.preventDefault();
            onRenamed(draft.value);
          }}
        >
          <input
            type="text"
            maxLength={80}
            value={draft.value}
            aria-label={t("list.rename_label", { title: item.title })}
            ref={(input) => input?.focus()}
            onInput={(event) => (draft.value = (event.currentTarget as HTMLInputElement).value)}
            onKeyDown={(event) => {
              if (event.key === "Escape") {
                event.stopPropagation();
                onRenamed();
              }
            }}
          />
          <button type="submit" class="btn btn-small">{t("list.save")}</button>
          <button type="button" class="btn btn-ghost btn-small" onClick={() => onRenamed()}>
            {t("list.cancel")}
          </button>
        </form>
      </li>
    );
  }
  const when = new Date(item.updatedAt).toLocaleString(language === "ja" ? "ja-JP" : "en-GB", {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
  return (
    <li class={`conversation-item${current ? " current" : ""}`}>
      <button type="button" class="item-open" aria-current={current ? "true" : undefined} onClick={onOpen}>
        <span class="item-title" lang={item.lang}>{item.title}</span>
        <span class="item-meta">
          <time dateTime={new Date(item.updatedAt).toISOString()}>{when}</time>
          {item.lang && <span>· {t(item.lang === "ja" ? "lang.ja" : "lang.en")}</span>}
          {writing && <span class="item-writing">· {t("list.writing")}</span>}
        </span>
      </button>
      <button
        type="button"
        class="btn btn-ghost btn-small btn-icon item-rename"
        aria-label={t("list.rename_of", { title: item.title })}
        title={t("list.rename")}
        onClick={onRename}
      >
        ✎
      </button>
      <button
        type="button"
        class="btn btn-ghost btn-small btn-icon item-delete"
        aria-label={t("list.delete_label", { title: item.title })}
        title={t("list.delete")}
        onClick={onDelete}
      >
        🗑
      </button>
    </li>
  );
}
