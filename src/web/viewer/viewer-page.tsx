import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router-dom';
import { isApiError } from '../api/api-client';
import type { PublicSession, SessionStatus } from '../api/api-types';
import { coverSrc } from '../api/session-links';
import { viewerApi } from '../api/viewer-api';
import { DemoBadge, StatusBadge } from '../components/badges';
import { Brand } from '../components/brand';
import { LangSwitch } from '../components/lang-switch';
import { ErrorState, LoadingState } from '../components/page-states';
import { formatLiveCount } from '../format/count-format';
import { formatDateTime } from '../format/date-format';
import { useApiResource } from '../hooks/use-api-resource';
import { useRoomSocket, type RoomSocket } from '../room/use-room-socket';
import { TrackerContext, usePageSourceQuery, useRoomTracker } from './analytics/room-analytics';
import { ShareButton } from './analytics/share-button';
import { SurveyCard } from './analytics/survey-card';
import { DanmakuControls, DanmakuOverlay } from './danmaku-overlay';
import { readDanmakuSettings, storeDanmakuSettings, type DanmakuSettings } from './danmaku-settings';
import { LikeButton } from './like-button';
import { LiveChatPanel } from './live-chat-panel';
import { freshGuestToken, identityKeyOf, useViewerIdentity, type ViewerIdentity } from './use-viewer-identity';
import { ViewerAuthPanel } from './viewer-auth-panel';
import { CartButton, CartDrawer } from './cart/cart-drawer';
import { FlashSaleCards } from './flash/flash-card';
import { ShelfOnStage } from './shelf/shelf-on-stage';
import { LivePlayer } from './video/live-player';
import { useLiveStream } from './video/use-live-stream';
import { ReplayGate } from './replay/replay-room';
import { replayApi } from '../api/replay-api';
import { Link } from 'react-router-dom';
import { RoomToolsDock } from './tools/room-tools-dock';
import { AnsweringBanner } from './tools/qna-sheet';
import { carriesTag } from './tools/tool-format';
import { usePrizeBadge } from './tools/use-prize-badge';
import { GiftIcon } from './tools/tool-icons';

export function ViewerPage() {
  const { id = '' } = useParams<{ id: string }>();
  // Private sessions are opened with their invite code, which the room socket needs too.
  const invite = useSearchParams()[0].get('invite');
  const { t } = useTranslation();
  const session = useApiResource((signal) => viewerApi.getLiveSession(id, signal, invite), [id, invite]);
  const { identity, signIn, signUp, signOut } = useViewerIdentity();
  // The cart opens from the top bar (it stays reachable there and covers nothing; a floating
  // button sat on the chat's Send button), and its drawer belongs to the room below.
  const [cartOpen, setCartOpen] = useState(false);
  const closeCart = useCallback(() => { setCartOpen(false); }, []);
  const prizes = usePrizeBadge(identity);

  const title = session.data?.title;
  useEffect(() => {
    document.title = title ? `${title} · ${t('app.name')}` : t('app.name');
  }, [title, t]);

  const notFound = isApiError(session.error) && session.error.status === 404;

  return (
    <div className="viewer">
      <header className="app-header viewer-topbar">
        <Brand />
        <div className="header-spacer" />
        <ViewerModePill identity={identity} />
        {identity.kind === 'viewer' && (
          <Link className="btn btn-ghost btn-sm prize-badge" to="/prizes" data-testid="prizes-badge" data-unseen={prizes.unseen}>
            <GiftIcon size={18} />
            <span className="prize-badge-label">{t('interactViewer.prizes.badge')}</span>
            {prizes.unseen > 0 && (
              <span className="tool-count" aria-label={t('interactViewer.prizes.badgeUnseen', { count: prizes.unseen })}>
                {prizes.unseen}
              </span>
            )}
          </Link>
        )}
        {session.data && <CartButton sessionId={session.data.id} onOpen={() => { setCartOpen(true); }} />}
        <LangSwitch />
      </header>

      {session.loading ? (
        <LoadingState fullPage />
      ) : notFound ? (
        <main className="viewer-not-found card" data-testid="live-not-found">
          <div className="not-found-mark" aria-hidden="true">
            404
          </div>
          <h1>{t('viewer.notFound.title')}</h1>
          <p className="muted">{t('viewer.notFound.body')}</p>
        </main>
      ) : session.error || !session.data ? (
        <main className="viewer-main">
          <ErrorState error={session.error} audience="viewer" onRetry={session.reload} />
        </main>
      ) : (
        // Keyed by session: another room starts from a clean socket state. An ended session with a recording is its replay.
        <ReplayGate key={session.data.id} session={session.data} invite={invite} survey={<SurveyCard key={identity.kind} sessionId={session.data.id} identity={identity} />}>
        <LiveRoom
          key={session.data.id}
          session={session.data}
          invite={invite}
          identity={identity}
          cartOpen={cartOpen}
          onCloseCart={closeCart}
          onSignIn={signIn}
          onSignUp={signUp}
          onSignOut={signOut}
          onPrizeNews={prizes.refresh}
        />
        </ReplayGate>
      )}
    </div>
  );
}

function LiveRoom({
  session,
  invite,
  identity,
  cartOpen,
  onCloseCart,
  onSignIn,
  onSignUp,
  onSignOut,
  onPrizeNews,
}: {
  session: PublicSession;
  invite: string | null;
  identity: ViewerIdentity;
  cartOpen: boolean;
  onCloseCart: () => void;
  onSignIn: (nickname: string, password: string) => Promise<void>;
  onSignUp: (nickname: string, password: string) => Promise<void>;
  onSignOut: () => Promise<void>;
  onPrizeNews: () => void;
}) {
  const [topicFilter, setTopicFilter] = useState<string | null>(null);
  // Where this viewer came from (share link, referral, UTM, referring site): on the socket URL.
  const sourceQuery = usePageSourceQuery();
  const room = useRoomSocket({
    sessionId: session.id,
    identityKey: identityKeyOf(identity),
    // Signed-in viewers authenticate with their cookie; everyone else with a guest token.
    guestToken: identity.kind === 'viewer' ? undefined : freshGuestToken,
    invite,
    // Announcements, the product being explained and flash sales appear when this viewer's picture gets there.
    followPicture: true,
    sourceQuery,
  });
  // Analytics beacons: product impressions and clicks, add to cart, shares.
  const tracker = useRoomTracker(session.id, room, identity, sourceQuery);
  const authRef = useRef<HTMLDivElement>(null);
  const status = room.state.status ?? session.status;
  const stream = useLiveStream(session.id, invite, room, identity);
  // After the live ends, the stage offers the replay once the recording is ready.
  const replayReady = useCallback(async () => {
    const r = await replayApi.replay(session.id, { guestToken: identity.kind === 'viewer' ? null : await freshGuestToken(), invite });
    return r.segments.length > 0;
  }, [session.id, invite, identity.kind]);
  // The latency readout is for the team: shown when the room says we are team, or on request
  // (`?latency=1`, for a member checking the picture from a viewer's seat).
  const latencyAsked = useSearchParams()[0].get('latency') === '1';
  const showLatency = room.state.you?.kind === 'team' || latencyAsked;

  const goToSignIn = useCallback(() => {
    const panel = authRef.current;
    if (!panel) return;
    panel.scrollIntoView({ behavior: 'smooth', block: 'center' });
    panel.querySelector<HTMLInputElement>('input')?.focus({ preventScroll: true });
  }, []);

  return (
    <TrackerContext.Provider value={tracker}>
    <main className="viewer-main viewer-grid">
      <LiveStage
        status={status}
        poster={coverSrc(session.coverUrl, invite)}
        video={<LivePlayer stream={stream} sessionStatus={status} showLatency={showLatency} replayReady={replayReady} />}
        room={room}
        canLike={identity.kind === 'viewer'}
        onNeedSignIn={goToSignIn}
        overlay={
          <>
            <AnsweringBanner question={room.state.tools.questions.find((q) => q.status === 'answering')} />
            <ShelfOnStage sessionId={session.id} invite={invite} room={room} identity={identity} />
          </>
        }
      />
      <div className="viewer-side">
        {/* The post-live survey, once the live has ended (keyed so a sign-in asks again as that viewer). */}
        {status === 'ended' && <SurveyCard key={identity.kind} sessionId={session.id} identity={identity} />}
        <FlashSaleCards sessionId={session.id} invite={invite} room={room} identity={identity} onNeedSignIn={goToSignIn} />
        <RoomToolsDock
          room={room}
          sessionId={session.id}
          invite={invite}
          identity={identity}
          topicFilter={topicFilter}
          onTopicFilter={setTopicFilter}
          onNeedSignIn={goToSignIn}
          onPrizeNews={onPrizeNews}
        />
        <LiveChatPanel
          room={room}
          identity={identity}
          onSignIn={goToSignIn}
          topicFilter={
            topicFilter !== null && room.state.tools.topic?.tag === topicFilter
              ? { tag: topicFilter, matches: (text) => carriesTag(text, topicFilter), onClear: () => { setTopicFilter(null); } }
              : null
          }
        />
        <div ref={authRef} className="viewer-auth-anchor">
          <ViewerAuthPanel identity={identity} onSignIn={onSignIn} onSignUp={onSignUp} onSignOut={onSignOut} />
        </div>
      </div>
      <SessionInfo session={session} status={status} share={<ShareButton sessionId={session.id} title={session.title} identity={identity} invite={invite} />} />
      <CartDrawer sessionId={session.id} invite={invite} identity={identity} open={cartOpen} onClose={onCloseCart} onNeedSignIn={goToSignIn} />
    </main>
    </TrackerContext.Provider>
  );
}

function ViewerModePill({ identity }: { identity: ViewerIdentity }) {
  const { t } = useTranslation();
  const mode = identity.kind === 'viewer' ? 'viewer' : identity.kind === 'loading' ? 'loading' : 'guest';
  return (
    <span className={`mode-pill mode-${mode}`} data-testid="viewer-mode" data-mode={mode} aria-live="polite">
      {identity.kind === 'viewer'
        ? t('viewer.modeViewer', { nickname: identity.viewer.nickname })
        : identity.kind === 'loading'
          ? t('viewer.modeConnecting')
          : t('viewer.modeGuest')}
    </span>
  );
}

/**
 * The video area: the session's cover until there is a picture, the live player with the
 * stream's state, and on top of it the danmaku, the audience count, the danmaku controls, the
 * shelf and the like button.
 */
function LiveStage({
  status,
  poster,
  video,
  room,
  canLike,
  onNeedSignIn,
  overlay,
}: {
  status: SessionStatus;
  /** The session's cover, shown behind the player until there is a picture. */
  poster: string | null;
  /** The player and the stream's state over it. */
  video: ReactNode;
  room: RoomSocket;
  canLike: boolean;
  onNeedSignIn: () => void;
  /** Commerce over the video (the shelf button and the pinned product card). */
  overlay?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const [danmaku, setDanmaku] = useState<DanmakuSettings>(readDanmakuSettings);
  const [hint, setHint] = useState<{ text: string; signIn: boolean } | null>(null);
  const [posterFailed, setPosterFailed] = useState<string | null>(null);
  const showPoster = poster !== null && posterFailed !== poster;
  const lang = i18n.resolvedLanguage ?? 'en';
  const { state, sendLike, subscribe } = room;

  useEffect(() => {
    if (!hint) return;
    const timer = window.setTimeout(() => { setHint(null); }, 4000);
    return () => { window.clearTimeout(timer); };
  }, [hint]);

  const changeDanmaku = (next: DanmakuSettings) => {
    setDanmaku(next);
    storeDanmakuSettings(next);
  };

  return (
    <section className={showPoster ? 'stage stage-with-poster' : 'stage'} aria-label={t('viewer.video.label')} data-status={status}>
      {showPoster && (
        // Decorative: the title is right below; the text over it says where the video will be.
        <img className="stage-poster" src={poster} alt="" data-testid="stage-poster" onError={() => { setPosterFailed(poster); }} />
      )}
      {video}
      <DanmakuOverlay subscribe={subscribe} settings={danmaku} />
      <div className="stage-top">
        {state.presence && (
          <span
            className="stage-chip"
            data-testid="online-count"
            data-value={state.presence.online}
            title={t('live.onlineTitle', { count: state.presence.online })}
          >
            <span className="eye" aria-hidden="true" />
            {t('live.online', { count: state.presence.online, value: formatLiveCount(state.presence.online, lang) })}
          </span>
        )}
        <div className="header-spacer" />
        <DanmakuControls settings={danmaku} onChange={changeDanmaku} />
      </div>
      {hint && (
        <p className="stage-hint" role="status" data-testid="like-hint">
          {hint.text}
          {hint.signIn && (
            <button type="button" className="stage-hint-link" onClick={onNeedSignIn}>
              {t('live.chat.signInToChat')}
            </button>
          )}
        </p>
      )}
      {overlay}
      <div className="stage-like">
        <LikeButton
          total={state.likes}
          canLike={canLike && state.phase === 'open'}
          onLike={sendLike}
          onNeedSignIn={() => {
            setHint(canLike ? { text: t('live.errors.notConnected'), signIn: false } : { text: t('live.errors.guestsCannotLike'), signIn: true });
          }}
        />
      </div>
    </section>
  );
}

function SessionInfo({ session, status, share }: { session: PublicSession; status: SessionStatus; share?: ReactNode }) {
  const { t, i18n } = useTranslation();
  const start = formatDateTime(session.scheduledStart, i18n.resolvedLanguage ?? 'en');
  return (
    <section className="card session-info">
      <div className="session-info-head">
        <h1 data-testid="live-title">{session.title}</h1>
        <span data-testid="live-status">
          <StatusBadge status={status} />
        </span>
        {session.isDemo && <DemoBadge long />}
        {share}
      </div>
      <dl className="facts">
        {session.brandName && (
          <div>
            <dt>{t('viewer.brand')}</dt>
            <dd data-testid="live-brand">{session.brandName}</dd>
          </div>
        )}
        <div>
          <dt>{t('viewer.scheduledStart')}</dt>
          <dd data-testid="live-scheduled-start">
            {start && session.scheduledStart ? (
              <time dateTime={session.scheduledStart}>{start}</time>
            ) : (
              t('viewer.notScheduled')
            )}
          </dd>
        </div>
        <div>
          <dt>{t('viewer.plannedLength')}</dt>
          <dd>{t('sessions.minutes', { count: session.plannedMinutes })}</dd>
        </div>
        <div>
          <dt>{t('sessions.field.theme')}</dt>
          <dd>{t(`theme.${session.theme}`)}</dd>
        </div>
      </dl>
    </section>
  );
}
