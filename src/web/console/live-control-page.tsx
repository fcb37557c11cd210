import { useCallback, useEffect, useMemo, useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { isApiError } from '../api/api-client';
import type { RoomSettings, SanctionInput } from '../api/api-types';
import { consoleApi } from '../api/console-api';
import { describeError } from '../api/describe-error';
import { useAuth } from '../auth/auth-context';
import { PERMISSIONS } from '../auth/permissions';
import { StatusBadge } from '../components/badges';
import { ErrorBanner, Notice } from '../components/notice';
import { ErrorState, LoadingState, StateCard } from '../components/page-states';
import { PopoverMenu } from '../components/popover-menu';
import { formatLiveCount } from '../format/count-format';
import { useApiResource } from '../hooks/use-api-resource';
import { useNotice } from '../hooks/use-notice';
import { ChatFeed } from '../room/chat-feed';
import { ConnectionIndicator } from '../room/connection-indicator';
import { describeRoomError } from '../room/room-errors';
import { MAX_CHAT_LENGTH, codePointLength } from '../room/room-protocol';
import type { RoomChat } from '../room/room-state';
import { RoomRequestError, useRoomSocket, type RoomSocket } from '../room/use-room-socket';
import { BanDialog, durationCount, durationUnit, type BanTarget } from './ban-dialog';
import { HeldQueue, ReportQueue, SanctionsCard } from './live-queues';
import { PinEditorCard, RoomSettingsCard } from './live-room-settings';
import { ExplainControl } from './explain-control';
import { FlashSalesPanel } from './flash-sales-panel';
import { InteractPanel } from './interact/interact-panel';
import { SegmentControl } from './analytics/segment-control';
import { LiveDashboardPanel } from './analytics/dashboard/live-dashboard-panel';

export const MUTE_MINUTES = [5, 30, 60] as const;

/** `/console/sessions/:id/live`: the room as it happens, with the moderator's tools. */
export function LiveControlPage() {
  const { id = '' } = useParams<{ id: string }>();
  const { t, i18n } = useTranslation();
  const { member, can } = useAuth();
  const canModerate = can(PERMISSIONS.roomModerate);
  const session = useApiResource((signal) => consoleApi.getSession(id, signal), [id]);
  const live = useApiResource((signal) => consoleApi.getRoom(id, signal), [id]);
  const room = useRoomSocket({ sessionId: id, identityKey: member ? `team:${member.id}` : null, asTeam: true });
  const [notice, showNotice, dismissNotice] = useNotice();
  const [actionError, setActionError] = useState<string | null>(null);
  const [banTarget, setBanTarget] = useState<BanTarget | null>(null);
  // Deleted here: hidden at once, before the room's own chat.del arrives.
  const [removed, setRemoved] = useState<ReadonlySet<string>>(() => new Set());
  const lang = i18n.resolvedLanguage ?? 'en';
  const { state } = room;

  const title = session.data?.title;
  useEffect(() => {
    document.title = title ? `${t('live.control.title')} · ${title}` : t('app.consoleTitle');
  }, [title, t]);

  const run = useCallback(
    async (action: () => Promise<unknown>, success: string) => {
      setActionError(null);
      try {
        await action();
        showNotice(success);
        return true;
      } catch (err) {
        setActionError(describeError(t, err));
        return false;
      }
    },
    [showNotice, t],
  );

  const deleteChat = async (chat: RoomChat) => {
    const ok = await run(() => consoleApi.deleteChat(id, chat.id), t('live.mod.deleted'));
    if (ok) setRemoved((prev) => new Set(prev).add(chat.id));
  };

  const mute = (chat: RoomChat, minutes: number) =>
    void run(
      () => consoleApi.sanction(id, { kind: 'mute', scope: 'room', target: { kind: 'viewer', id: chat.uid }, minutes }),
      t('live.mod.muted', { name: chat.name, duration: t('live.mod.duration', { context: durationUnit(minutes), count: durationCount(minutes) }) }),
    );

  const ban = async (input: SanctionInput) => {
    await consoleApi.sanction(id, input);
    const target = banTarget;
    setBanTarget(null);
    setActionError(null);
    showNotice(t('live.mod.banned', { name: target?.name ?? '' }));
  };

  const settingsSaved = (saved: RoomSettings, message: string) => {
    live.setData((prev) => (prev ? { ...prev, settings: saved } : prev));
    showNotice(message);
  };

  const names = useMemo(() => new Map(state.chats.map((c) => [c.uid, c.name])), [state.chats]);
  const chats = useMemo(() => (removed.size ? state.chats.filter((c) => !removed.has(c.id)) : state.chats), [state.chats, removed]);

  if (session.loading) return <LoadingState />;
  if (isApiError(session.error) && session.error.status === 404) {
    return (
      <section className="page">
        <StateCard title={t('live.control.notFound')} testId="not-found">
          <Link className="btn" to="/console/sessions">
            ← {t('live.control.back')}
          </Link>
        </StateCard>
      </section>
    );
  }
  if (session.error || !session.data) return <ErrorState error={session.error} onRetry={session.reload} />;

  const s = session.data;
  const status = state.status ?? s.status;
  const figures = {
    online: state.presence?.online ?? live.data?.online ?? null,
    pcu: state.presence?.pcu ?? live.data?.pcu ?? null,
    uv: state.presence?.uv ?? live.data?.uv ?? null,
    likes: state.likes ?? live.data?.likes ?? null,
  };
  const settings = state.settings ?? live.data?.settings ?? null;
  const pin = state.ready ? state.pin : (live.data?.settings.pin ?? null);

  return (
    <section className="page live-control" data-testid="live-control">
      <nav className="breadcrumb" aria-label={t('live.control.breadcrumb')}>
        <Link to="/console/sessions">{t('nav.sessions')}</Link>
        <span aria-hidden="true">/</span>
        <span>{t('live.control.title')}</span>
      </nav>
      <header className="page-header live-header">
        <div className="live-header-main">
          <h1 data-testid="live-control-title">{s.title}</h1>
          <div className="row-meta">
            <StatusBadge status={status} />
            <ConnectionIndicator state={state} />
            {state.phase === 'open' && (
              <span className="badge badge-ok" data-testid="room-connected">
                {t('live.connection.connected')}
              </span>
            )}
          </div>
        </div>
        {s.status !== 'draft' && (
          <a className="btn btn-sm" href={`/live/${encodeURIComponent(s.id)}`} target="_blank" rel="noopener" data-testid="live-open-viewer">
            {t('sessions.openViewer')} ↗
          </a>
        )}
      </header>

      <Notice message={notice} onDismiss={dismissNotice} />
      <ErrorBanner message={actionError} onDismiss={() => { setActionError(null); }} testId="live-action-error" />
      {state.phase === 'closed' && (
        <div className="banner banner-error" role="alert" data-testid="room-closed">
          {t(state.closedReason === 'not-found' ? 'live.closed.notFound' : 'live.closed.teamSignedOut')}
        </div>
      )}
      {!canModerate && (
        <p className="banner banner-info live-readonly" data-testid="live-read-only">
          {t('live.control.readOnly')}
        </p>
      )}

      <div className="stat-grid" data-testid="live-stats">
        <Stat label={t('live.stats.online')} value={figures.online} testId="stat-online" lang={lang} accent />
        <Stat label={t('live.stats.pcu')} value={figures.pcu} testId="stat-pcu" lang={lang} />
        <Stat label={t('live.stats.uv')} value={figures.uv} testId="stat-uv" lang={lang} />
        <Stat label={t('live.stats.likes')} value={figures.likes} testId="stat-likes" lang={lang} />
      </div>

      {can(PERMISSIONS.analyticsRead) && status !== 'draft' && <LiveDashboardPanel sessionId={id} room={room} />}

      <div className="live-grid">
        <section className="card live-feed" aria-labelledby="live-feed-title">
          <div className="queue-head">
            <h2 id="live-feed-title" className="card-title">
              {t('live.control.feed')}
            </h2>
            <span className="muted small">{t('live.control.feedHint')}</span>
          </div>
          <ChatFeed
            chats={chats}
            label={t('live.control.feed')}
            emptyText={state.ready ? t('live.control.feedEmpty') : t('live.connection.connecting')}
            testId="console-chat-list"
            itemTestId="console-chat-item"
            showTime
            lang={lang}
            renderActions={canModerate ? (chat) => <ModerationActions chat={chat} onDelete={deleteChat} onMute={mute} onBan={(c) => { setBanTarget({ viewerId: c.uid, name: c.name }); }} /> : undefined}
          />
          {canModerate && <TeamChatForm room={room} />}
        </section>

        <div className="live-side">
          <ExplainControl sessionId={id} room={room} live={status === 'live'} />
          {can(PERMISSIONS.interactRun) && (status === 'live' || status === 'scheduled') && <SegmentControl sessionId={id} live={status === 'live'} />}
          <InteractPanel sessionId={id} />
          <FlashSalesPanel sessionId={id} status={status} />
          {canModerate && <HeldQueue sessionId={id} run={run} />}
          {canModerate && <ReportQueue sessionId={id} run={run} />}
          <PinEditorCard sessionId={id} pin={pin} canEdit={canModerate} onSaved={settingsSaved} />
          <RoomSettingsCard sessionId={id} settings={settings} canEdit={canModerate} onSaved={settingsSaved} />
          {canModerate && <SanctionsCard sessionId={id} run={run} names={names} />}
        </div>
      </div>

      {banTarget && <BanDialog target={banTarget} hasBrand={s.brandName !== null} onBan={ban} onClose={() => { setBanTarget(null); }} />}
    </section>
  );
}

function Stat({ label, value, testId, lang, accent = false }: { label: string; value: number | null; testId: string; lang: string; accent?: boolean }) {
  return (
    <div className={accent ? 'card stat stat-accent' : 'card stat'}>
      <span className="stat-label">{label}</span>
      <span className="stat-value" data-testid={testId} data-value={value ?? ''}>
        {value === null ? '–' : formatLiveCount(value, lang)}
      </span>
    </div>
  );
}

function ModerationActions({
  chat,
  onDelete,
  onMute,
  onBan,
}: {
  chat: RoomChat;
  onDelete: (chat: RoomChat) => Promise<void>;
  onMute: (chat: RoomChat, minutes: number) => void;
  onBan: (chat: RoomChat) => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  // Only viewers can be muted or banned; a team member's comment can only be removed.
  const isViewer = chat.role === 'viewer' && chat.uid !== '';
  return (
    <div className="mod-actions">
      <button
        type="button"
        className="btn btn-sm btn-danger"
        data-testid="chat-delete"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void onDelete(chat).finally(() => { setBusy(false); });
        }}
      >
        {t('live.mod.delete')}
      </button>
      {isViewer && (
        <>
          <PopoverMenu
            label={t('live.mod.mute')}
            testId="chat-mute"
            menuTestId="mute-menu"
            title={t('live.mod.muteTitle', { name: chat.name })}
            items={MUTE_MINUTES.map((m) => ({
              key: String(m),
              label: t('live.mod.forMinutes', { count: m }),
              testId: `mute-${String(m)}`,
              onSelect: () => { onMute(chat, m); },
            }))}
          />
          <button type="button" className="btn btn-sm" data-testid="chat-ban" onClick={() => { onBan(chat); }}>
            {t('live.mod.ban')}
          </button>
        </>
      )}
    </div>
  );
}

/** Team members talk in the room as host or team (badged for viewers). */
function TeamChatForm({ room }: { room: RoomSocket }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const canChat = room.state.phase === 'open' && room.state.you?.canChat === true;
  const tooLong = codePointLength(text.trim()) > MAX_CHAT_LENGTH;

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const message = text.trim();
    if (!canChat || busy || message === '' || tooLong) return;
    setBusy(true);
    setError(null);
    try {
      await room.sendChat(message);
      setText('');
    } catch (err) {
      setError(err instanceof RoomRequestError ? describeRoomError(t, err) : t('live.errors.unknown'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="chat-compose team-compose" noValidate onSubmit={(event) => void submit(event)}>
      <input
        type="text"
        value={text}
        disabled={!canChat}
        autoComplete="off"
        aria-label={t('live.control.teamChatLabel')}
        placeholder={t('live.control.teamChatPlaceholder')}
        data-testid="team-chat-input"
        onChange={(event) => {
          setText(event.target.value);
          setError(null);
        }}
      />
      <button type="submit" className="btn btn-primary" disabled={!canChat || busy || text.trim() === '' || tooLong} data-testid="team-chat-send">
        {t('viewer.chat.send')}
      </button>
      {(error || tooLong) && (
        <p className="chat-error team-chat-error" role="alert" data-testid="team-chat-error">
          {error ?? t('live.errors.tooLong', { count: MAX_CHAT_LENGTH })}
        </p>
      )}
    </form>
  );
}
