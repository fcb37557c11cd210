import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { locate, messagesShownAt, pinnedAt } from '../../../contracts/replay-clock.contract.js';
import type { SenderRole } from '../../../contracts/realtime.contract.js';
import type { PublicSession } from '../../api/api-types';
import { replayApi, type ReplayDto, type ReplayProduct } from '../../api/replay-api';
import { LoadingState } from '../../components/page-states';
import { formatFen } from '../../format/money-format';
import { useApiResource } from '../../hooks/use-api-resource';
import { ChatFeed } from '../../room/chat-feed';
import type { RoomChat } from '../../room/room-state';
import { freshGuestToken } from '../use-viewer-identity';
import { formatClock } from './replay-format';
import '../../styles/shelf.css';
import '../../styles/replay.css';

/**
 * How finely the replay clock moves the page (ms): the chat and shelf need no more. Rounded up, so
 * a seek to a chapter's start (any ms) already shows that chapter's product.
 */
const TICK_MS = 100;
const ROLES: readonly SenderRole[] = ['host', 'team', 'viewer'];

/**
 * An ended session's page: its replay when it has a ready recording, else `children` (the ended
 * room). A session that is not over yet is always `children`.
 */
export function ReplayGate({ session, invite, survey, children }: { session: PublicSession; invite: string | null; survey?: ReactNode; children: ReactNode }) {
  if (session.status !== 'ended' && session.status !== 'archived') return <>{children}</>;
  return (
    <EndedSession session={session} invite={invite} survey={survey}>
      {children}
    </EndedSession>
  );
}

function EndedSession({ session, invite, survey, children }: { session: PublicSession; invite: string | null; survey?: ReactNode; children: ReactNode }) {
  const replay = useApiResource(async (signal) => replayApi.replay(session.id, { guestToken: await freshGuestToken(), invite }, signal), [session.id, invite]);
  if (replay.loading) return <LoadingState fullPage />;
  // Nothing recorded (or it was deleted): the page stays the ended room.
  if (!replay.data || replay.data.segments.length === 0) return <>{children}</>;
  return <ReplayRoom replay={replay.data} session={session} survey={survey} />;
}

/**
 * The replay: the recordings played one after the other in one <video>, the chat shown up to the
 * current moment (seeking back hides what came later), what was being presented at that moment,
 * and chapters (one per product presented) that seek on click.
 */
/** `survey`: the post-live survey card (viewer/analytics), shown above the pinned product. */
export function ReplayRoom({ replay, session, survey }: { replay: ReplayDto; session: PublicSession; survey?: ReactNode }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const videoRef = useRef<HTMLVideoElement>(null);
  const [index, setIndex] = useState(0);
  const [now, setNow] = useState(0);
  const [failed, setFailed] = useState(false);
  // A seek into another part waits for that part's metadata.
  const pending = useRef<{ positionMs: number; play: boolean } | null>(null);
  const segments = replay.segments;
  const seg = segments[index] ?? segments[0]!;

  useEffect(() => {
    const v = videoRef.current;
    if (!v) return;
    let raf = 0;
    const read = () => { setNow(Math.ceil((seg.offsetMs + v.currentTime * 1000) / TICK_MS) * TICK_MS); };
    const loop = () => {
      read();
      raf = requestAnimationFrame(loop);
    };
    const onPlay = () => {
      setFailed(false);
      cancelAnimationFrame(raf);
      raf = requestAnimationFrame(loop);
    };
    const onPause = () => {
      cancelAnimationFrame(raf);
      read();
    };
    const onEnded = () => {
      onPause();
      if (index + 1 < segments.length) {
        pending.current = { positionMs: 0, play: true };
        setIndex(index + 1);
      }
    };
    const onLoaded = () => {
      const p = pending.current;
      if (!p) return;
      pending.current = null;
      v.currentTime = p.positionMs / 1000;
      if (p.play) void v.play().catch(() => undefined);
    };
    const onError = () => { setFailed(true); };
    v.addEventListener('timeupdate', read);
    v.addEventListener('seeked', read);
    v.addEventListener('play', onPlay);
    v.addEventListener('pause', onPause);
    v.addEventListener('ended', onEnded);
    v.addEventListener('loadedmetadata', onLoaded);
    v.addEventListener('error', onError);
    if (v.readyState >= 1) onLoaded();
    return () => {
      cancelAnimationFrame(raf);
      v.removeEventListener('timeupdate', read);
      v.removeEventListener('seeked', read);
      v.removeEventListener('play', onPlay);
      v.removeEventListener('pause', onPause);
      v.removeEventListener('ended', onEnded);
      v.removeEventListener('loadedmetadata', onLoaded);
      v.removeEventListener('error', onError);
    };
  }, [index, seg, segments.length]);

  const seek = useCallback(
    (ms: number) => {
      const at = locate(segments, ms);
      const v = videoRef.current;
      if (!at || !v) return;
      setNow(Math.ceil(ms / TICK_MS) * TICK_MS);
      if (at.index === index) {
        v.currentTime = at.positionMs / 1000;
        void v.play().catch(() => undefined);
      } else {
        pending.current = { positionMs: at.positionMs, play: true };
        setIndex(at.index);
      }
    },
    [segments, index],
  );

  const shownCount = messagesShownAt(replay.messages, now);
  const chats = useMemo<RoomChat[]>(
    () =>
      replay.messages.slice(0, shownCount).map((m) => ({
        t: 'chat',
        id: m.id,
        uid: '',
        name: m.senderName,
        role: (ROLES as readonly string[]).includes(m.role) ? (m.role as SenderRole) : 'viewer',
        lvl: 0,
        text: m.text,
        n: 1,
        at: m.t,
        mine: false,
        held: false,
      })),
    [replay.messages, shownCount],
  );
  const pin = pinnedAt(replay.pins, now);
  const product = pin?.productId ? replay.products.find((p) => p.productId === pin.productId) : undefined;
  const activeChapter = replay.chapters.reduce((found, c, i) => (c.t <= now ? i : found), -1);

  return (
    <main className="viewer-main viewer-grid replay" data-testid="replay" data-now={now}>
      <section className="stage replay-stage" aria-label={t('replay.videoLabel')}>
        <video
          ref={videoRef}
          className="replay-video"
          src={seg.url}
          controls
          playsInline
          preload="metadata"
          data-testid="replay-video"
          data-part={index}
        />
        {segments.length > 1 && (
          <span className="stage-chip replay-part" data-testid="replay-part">
            {t('replay.part', { n: index + 1, total: segments.length })}
          </span>
        )}
        {failed && (
          <p className="stage-hint" role="alert" data-testid="replay-error">
            {t('replay.playError')}
          </p>
        )}
      </section>

      <div className="viewer-side">
        {survey}
        <ReplayPinned product={product} lang={lang} />
        <section className="card chat" aria-labelledby="replay-chat-title" data-testid="replay-chat">
          <div className="chat-head">
            <h2 id="replay-chat-title" className="card-title">
              {t('replay.chatTitle')}
            </h2>
            <span className="muted small" data-testid="replay-chat-count">
              {t('replay.chatCount', { shown: shownCount, total: replay.messages.length })}
            </span>
          </div>
          <ChatFeed chats={chats} label={t('replay.chatTitle')} emptyText={t('replay.chatEmpty')} testId="replay-chat-list" itemTestId="replay-message" lang={lang} />
        </section>
      </div>

      <section className="session-info card replay-info" data-testid="replay-info">
        <div className="replay-title-row">
          <span className="replay-badge" data-testid="replay-badge">
            {t('replay.badge')}
          </span>
          <h1 className="replay-title">{session.title}</h1>
        </div>
        <p className="muted small">
          {session.brandName ? `${session.brandName} · ` : ''}
          {t('replay.length', { time: formatClock(replay.durationMs) })}
        </p>
        <h2 className="card-title replay-chapters-title">{t('replay.chapters')}</h2>
        {replay.chapters.length === 0 ? (
          <p className="muted small">{t('replay.chaptersEmpty')}</p>
        ) : (
          <>
            <p className="muted small">{t('replay.chaptersHint')}</p>
            <ol className="replay-chapters" data-testid="replay-chapters">
              {replay.chapters.map((c, i) => (
                <li key={`${c.productId}-${c.t}`}>
                  <button
                    type="button"
                    className={i === activeChapter ? 'replay-chapter replay-chapter-on' : 'replay-chapter'}
                    aria-current={i === activeChapter ? 'true' : undefined}
                    aria-label={t('replay.chapterAt', { title: c.title, time: formatClock(c.t) })}
                    data-testid="replay-chapter"
                    data-t={c.t}
                    onClick={() => { seek(c.t); }}
                  >
                    <span className="replay-chapter-time">{formatClock(c.t)}</span>
                    <span className="replay-chapter-title">{c.title}</span>
                  </button>
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
    </main>
  );
}

/** What was being presented at this moment of the live (the live page's "now explaining" card, without buying). */
function ReplayPinned({ product, lang }: { product: ReplayProduct | undefined; lang: string }) {
  const { t } = useTranslation();
  if (!product) {
    return (
      <p className="card replay-pinned replay-pinned-none muted small" data-testid="replay-pinned" data-product-id="">
        {t('replay.nothingPinned')}
      </p>
    );
  }
  return (
    <div className="card replay-pinned" data-testid="replay-pinned" data-product-id={product.productId}>
      {product.image ? (
        <img className="pinned-thumb" src={product.image} alt="" />
      ) : (
        <span className="pinned-thumb pinned-thumb-empty" aria-hidden="true">
          {Array.from(product.title)[0] ?? '?'}
        </span>
      )}
      <span className="pinned-text">
        <span className="pinned-tag">
          <span className="pinned-dot" aria-hidden="true" />
          {t('replay.nowExplaining')}
        </span>
        <span className="pinned-title" data-testid="replay-pinned-title">
          {product.title}
        </span>
        {product.priceFen !== null && <strong className="pinned-price">{formatFen(product.priceFen, lang, product.currency ?? 'CNY')}</strong>}
      </span>
    </div>
  );
}
