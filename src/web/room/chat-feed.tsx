import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoomChat } from './room-state';

/** How close to the bottom (px) still counts as "following the chat". */
const STICK_PX = 32;

interface ChatFeedProps {
  chats: readonly RoomChat[];
  label: string;
  emptyText: string;
  testId: string;
  itemTestId: string;
  /** Buttons or a menu shown on each comment (report, moderation). */
  renderActions?: (chat: RoomChat) => ReactNode;
  /** Console: show each comment's time. */
  showTime?: boolean;
  lang: string;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function formatTime(ms: number, lang: string): string {
  let f = timeFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    timeFormats.set(lang, f);
  }
  return f.format(ms);
}

/**
 * The comment list: follows new comments while the reader is at the bottom, and stays put
 * (offering a "new comments" button) once they scroll up to read. All text is rendered as text.
 */
export function ChatFeed({ chats, label, emptyText, testId, itemTestId, renderActions, showTime = false, lang }: ChatFeedProps) {
  const { t } = useTranslation();
  const listRef = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  const lastId = useRef<string | null>(null);
  const [unseen, setUnseen] = useState(false);

  const newest = chats.length > 0 ? chats[chats.length - 1]!.id : null;

  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el || newest === lastId.current) return;
    lastId.current = newest;
    if (stick.current) el.scrollTop = el.scrollHeight;
    else setUnseen(true);
  }, [newest]);

  const onScroll = () => {
    const el = listRef.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_PX;
    if (stick.current) setUnseen(false);
  };

  const jump = () => {
    const el = listRef.current;
    if (!el) return;
    stick.current = true;
    el.scrollTop = el.scrollHeight;
    setUnseen(false);
  };

  return (
    <div className="chat-feed">
      <ol className="chat-list" ref={listRef} aria-label={label} aria-live="polite" aria-relevant="additions" data-testid={testId} onScroll={onScroll}>
        {chats.length === 0 && <li className="chat-empty muted">{emptyText}</li>}
        {chats.map((chat) => (
          <li
            key={chat.id}
            className={['chat-item', chat.mine ? 'chat-mine' : '', chat.held ? 'chat-held' : ''].join(' ').trim()}
            data-testid={itemTestId}
            data-message-id={chat.id}
            data-mine={chat.mine ? 'true' : 'false'}
            data-role={chat.role}
          >
            <div className="chat-line">
              <span className="chat-meta">
                {chat.role !== 'viewer' && (
                  <span className={`role-tag role-${chat.role}`} data-testid="chat-role-badge">
                    {t(`live.role.${chat.role}`)}
                  </span>
                )}
                <span className="chat-name">{chat.name}</span>
                {chat.mine && (
                  <span className="you-tag" data-testid="chat-mine">
                    {t('live.chat.you')}
                  </span>
                )}
                {showTime && (
                  <time className="chat-time" dateTime={new Date(chat.at).toISOString()}>
                    {formatTime(chat.at, lang)}
                  </time>
                )}
              </span>
              <span className="chat-text" data-testid="chat-text">
                {chat.text}
              </span>
              {chat.n > 1 && <span className="chat-repeat">×{chat.n}</span>}
              {chat.held && (
                <span className="held-tag" data-testid="chat-held">
                  {t('live.chat.heldTag')}
                </span>
              )}
            </div>
            {renderActions && <div className="chat-actions">{renderActions(chat)}</div>}
          </li>
        ))}
      </ol>
      {unseen && (
        <button type="button" className="chat-jump" data-testid="chat-jump-latest" onClick={jump}>
          {t('live.chat.newComments')} ↓
        </button>
      )}
    </div>
  );
}
