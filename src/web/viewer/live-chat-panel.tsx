import { useEffect, useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PopoverMenu } from '../components/popover-menu';
import { formatDateTime } from '../format/date-format';
import { ChatFeed } from '../room/chat-feed';
import { ConnectionIndicator } from '../room/connection-indicator';
import { describeRoomError } from '../room/room-errors';
import { MAX_CHAT_LENGTH, REPORT_REASONS, codePointLength, type ReportReason } from '../room/room-protocol';
import type { RoomChat } from '../room/room-state';
import { RoomRequestError, type RoomSocket } from '../room/use-room-socket';
import type { ViewerIdentity } from './use-viewer-identity';

const FLASH_MS = 6000;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z/;

/** Room closed for good: banned, signed out elsewhere, or the session is gone. */
export function RoomClosedNotice({ reason, detail }: { reason: string; detail: string | null }) {
  const { t, i18n } = useTranslation();
  const key = reason === 'banned' ? 'banned' : reason === 'not-found' ? 'notFound' : reason === 'forbidden' ? 'forbidden' : 'unauthenticated';
  // The server's close reason names the end of a ban as an ISO time; show it in the reader's words.
  const until = reason === 'banned' ? formatDateTime(ISO_TIME.exec(detail ?? '')?.[0], i18n.resolvedLanguage ?? 'en') : null;
  return (
    <div className="room-closed" role="alert" data-testid="room-closed" data-reason={reason}>
      <strong>{t(`live.closed.${key}`)}</strong>
      {until && <span className="small">{t('live.closed.until', { time: until })}</span>}
    </div>
  );
}


function errorText(t: ReturnType<typeof useTranslation>['t'], err: unknown): string {
  if (err instanceof RoomRequestError) return describeRoomError(t, err);
  return t('live.errors.unknown');
}

/** Pinned note, comments, and the composer of the viewer page. */
export function LiveChatPanel({
  room,
  identity,
  onSignIn,
  topicFilter = null,
}: {
  room: RoomSocket;
  identity: ViewerIdentity;
  onSignIn: () => void;
  /** The pinned topic the chat is narrowed to (issue 6): its comments only, its tag in the input. */
  topicFilter?: { tag: string; matches: (text: string) => boolean; onClear: () => void } | null;
}) {
  const { t, i18n } = useTranslation();
  const { state, sendChat, report, dismissError, dismissNotice } = room;
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  const [flash, setFlash] = useState<{ id: number; text: string } | null>(null);

  const isViewer = identity.kind === 'viewer';
  const connected = state.phase === 'open';
  const canChat = isViewer && connected && state.you?.canChat === true;
  const length = codePointLength(text.trim());
  const tooLong = length > MAX_CHAT_LENGTH;

  // Tapping the topic puts its tag in the input (once per tap), unless the draft already has it.
  const filterTag = topicFilter?.tag ?? null;
  useEffect(() => {
    if (filterTag === null) return;
    setText((draft) => (draft.includes(`#${filterTag}`) ? draft : `#${filterTag} ${draft}`.trimEnd() + ' '));
  }, [filterTag]);

  useEffect(() => {
    if (!flash) return;
    const timer = window.setTimeout(() => { setFlash(null); }, FLASH_MS);
    return () => { window.clearTimeout(timer); };
  }, [flash]);

  useEffect(() => {
    if (!state.notice) return;
    const timer = window.setTimeout(dismissNotice, 8000);
    return () => { window.clearTimeout(timer); };
  }, [state.notice, dismissNotice]);

  useEffect(() => {
    if (!state.error) return;
    const timer = window.setTimeout(dismissError, 8000);
    return () => { window.clearTimeout(timer); };
  }, [state.error, dismissError]);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const message = text.trim();
    if (!canChat || sending || message === '' || tooLong) return;
    setSending(true);
    setSendError(null);
    dismissError();
    try {
      const ack = await sendChat(message);
      setText('');
      if (ack.held) setFlash({ id: Date.now(), text: t('live.chat.heldNotice') });
    } catch (err) {
      setSendError(errorText(t, err));
    } finally {
      setSending(false);
    }
  };

  const sendReport = async (chat: RoomChat, reason: ReportReason) => {
    try {
      await report(chat.id, reason);
      setFlash({ id: Date.now(), text: t('live.report.thanks') });
    } catch (err) {
      setSendError(errorText(t, err));
    }
  };

  // Errors the server sent outside a request (a like from a guest, a kick) show in the same place.
  // Once the room closed for good, the notice above says why; no second line under the input.
  const error = sendError ?? (state.error && state.phase !== 'closed' ? describeRoomError(t, state.error) : null);
  const lang = i18n.resolvedLanguage ?? 'en';

  return (
    <section className="card chat" aria-labelledby="chat-title" data-testid="chat-panel">
      <div className="chat-head">
        <h2 id="chat-title" className="card-title">
          {t('viewer.chat.title')}
        </h2>
        <ConnectionIndicator state={state} />
      </div>

      {state.pin && (
        <div className="pinned" data-testid="pinned-announcement">
          <span className="pinned-label">{t('live.pinned')}</span>
          <span className="pinned-text">{state.pin}</span>
        </div>
      )}

      {state.phase === 'closed' && state.closedReason && <RoomClosedNotice reason={state.closedReason} detail={state.closedDetail} />}

      {topicFilter && (
        <div className="chat-topic-filter" data-testid="chat-topic-filter">
          <span>{t('interactViewer.topic.filterOn', { tag: topicFilter.tag })}</span>
          <button type="button" className="btn btn-ghost btn-sm" data-testid="chat-topic-clear" onClick={topicFilter.onClear}>
            {t('interactViewer.topic.showAll')}
          </button>
        </div>
      )}

      <ChatFeed
        chats={topicFilter ? state.chats.filter((c) => topicFilter.matches(c.text)) : state.chats}
        label={t('viewer.chat.title')}
        emptyText={state.ready ? t('live.chat.empty') : t('viewer.chat.empty')}
        testId="chat-list"
        itemTestId="chat-item"
        lang={lang}
        renderActions={
          isViewer
            ? (chat) =>
                chat.mine || chat.held ? null : (
                  <PopoverMenu
                    label={t('live.report.open')}
                    trigger="⋯"
                    triggerClassName="btn-icon chat-more"
                    testId="chat-report"
                    menuTestId="report-menu"
                    title={t('live.report.title')}
                    disabled={!connected}
                    items={REPORT_REASONS.map((reason) => ({
                      key: reason,
                      label: t(`live.report.reasons.${reason}`),
                      testId: `report-reason-${reason}`,
                      onSelect: () => void sendReport(chat, reason),
                    }))}
                  />
                )
            : undefined
        }
      />

      {state.notice && (
        <p className="chat-notice" role="status" data-testid="missed-notice">
          {t('live.chat.missed', { count: state.notice.count })}
        </p>
      )}
      {flash && (
        <p className="chat-notice chat-notice-ok" role="status" data-testid="chat-flash">
          {flash.text}
        </p>
      )}

      {!isViewer && (
        <div className="chat-hint" data-testid="chat-guest-hint">
          <span>{t('viewer.chat.guestHint')}</span>
          <button type="button" className="btn btn-sm" data-testid="chat-signin" onClick={onSignIn}>
            {t('live.chat.signInToChat')}
          </button>
        </div>
      )}
      {identity.kind === 'anonymous' && (
        <p className="muted small" data-testid="guest-failed">
          {t('viewer.guestFailed')}
        </p>
      )}
      {isViewer && state.settings && state.settings.slowModeSeconds > 0 && (
        <p className="muted small" data-testid="slow-mode-hint">
          {t('live.chat.slowModeHint', { count: state.settings.slowModeSeconds })}
        </p>
      )}

      <form className="chat-compose" noValidate onSubmit={(event) => void submit(event)}>
        <input
          type="text"
          disabled={!canChat}
          value={text}
          enterKeyHint="send"
          autoComplete="off"
          aria-label={t('viewer.chat.inputLabel')}
          aria-invalid={tooLong || undefined}
          aria-describedby={error ? 'chat-error' : undefined}
          placeholder={
            !isViewer
              ? t('viewer.chat.guestPlaceholder')
              : connected
                ? t('live.chat.placeholder')
                : state.phase === 'closed'
                  ? t('live.chat.closedPlaceholder')
                  : t('live.connection.connecting')
          }
          data-testid="chat-input"
          onChange={(event) => {
            setText(event.target.value);
            if (sendError) setSendError(null);
          }}
        />
        <button type="submit" className="btn btn-primary" disabled={!canChat || sending || text.trim() === '' || tooLong} data-testid="chat-send">
          {t('viewer.chat.send')}
        </button>
      </form>
      {length > MAX_CHAT_LENGTH - 30 && (
        <p className={tooLong ? 'chat-counter chat-counter-over' : 'chat-counter'} data-testid="chat-counter">
          {length}/{MAX_CHAT_LENGTH}
        </p>
      )}
      {error && (
        <p className="chat-error" id="chat-error" role="alert" data-testid="chat-error">
          {error}
        </p>
      )}
    </section>
  );
}
