import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatLiveCount } from '../format/count-format';

/** Clicks within this window go out as one `{t:'like', n}` message. */
export const LIKE_BATCH_MS = 300;
const MAX_HEARTS = 16;
const HEART_COLOURS = ['#ff4d2e', '#ff7a9c', '#ffb020', '#e8173d', '#ff6b6b'];

interface Heart {
  key: number;
  drift: number;
  colour: string;
}

let heartKey = 1;

/**
 * The heart: every tap floats a heart up; taps are batched into one message per 300 ms, and
 * the total shown is the room's (from the server) plus the taps it has not counted yet.
 */
export function LikeButton({
  total,
  canLike,
  onLike,
  onNeedSignIn,
}: {
  /** The room's total from the server; null until the socket's welcome. */
  total: number | null;
  canLike: boolean;
  /** Sends the batched taps; false when they could not be sent. */
  onLike: (n: number) => boolean;
  onNeedSignIn: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [unsent, setUnsent] = useState(0);
  // Sent, but not yet part of a total the server announced.
  const [inFlight, setInFlight] = useState(0);
  const [seenTotal, setSeenTotal] = useState(total);
  const [hearts, setHearts] = useState<Heart[]>([]);
  const timer = useRef<number | undefined>(undefined);
  const unsentRef = useRef(0);
  const onLikeRef = useRef(onLike);
  useEffect(() => {
    onLikeRef.current = onLike;
  });

  // A new total from the server includes what we had sent before it.
  if (total !== seenTotal) {
    setSeenTotal(total);
    setInFlight(0);
  }

  useEffect(
    () => () => {
      // Leaving the page: send what is still waiting rather than dropping it.
      window.clearTimeout(timer.current);
      if (unsentRef.current > 0) onLikeRef.current(unsentRef.current);
    },
    [],
  );

  const flush = () => {
    timer.current = undefined;
    const n = unsentRef.current;
    unsentRef.current = 0;
    setUnsent(0);
    if (n > 0 && onLikeRef.current(n)) setInFlight((f) => f + n);
  };

  const tap = () => {
    if (!canLike) {
      onNeedSignIn();
      return;
    }
    unsentRef.current += 1;
    setUnsent(unsentRef.current);
    timer.current ??= window.setTimeout(flush, LIKE_BATCH_MS);
    const heart: Heart = {
      key: heartKey++,
      drift: Math.round((Math.random() - 0.5) * 60),
      colour: HEART_COLOURS[Math.floor(Math.random() * HEART_COLOURS.length)] ?? '#ff4d2e',
    };
    setHearts((prev) => [...prev.slice(-(MAX_HEARTS - 1)), heart]);
  };

  const shown = total === null ? null : total + inFlight + unsent;
  const lang = i18n.resolvedLanguage ?? 'en';

  return (
    <div className="like">
      <div className="like-hearts" aria-hidden="true">
        {hearts.map((h) => (
          <span
            key={h.key}
            className="like-heart"
            style={{ color: h.colour, translate: `${String(h.drift)}px 0` }}
            onAnimationEnd={() => { setHearts((prev) => prev.filter((x) => x.key !== h.key)); }}
          >
            ♥
          </span>
        ))}
      </div>
      <button
        type="button"
        className="like-button"
        data-testid="like-button"
        aria-label={canLike ? t('live.like.label') : t('live.like.signInLabel')}
        title={canLike ? t('live.like.label') : t('live.like.signInLabel')}
        onClick={tap}
      >
        <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" focusable="false">
          <path
            fill="currentColor"
            d="M12 21s-7.5-4.6-10-9.2C.4 8.7 2.1 4.5 6 4.1c2.1-.2 3.9.9 6 3.2 2.1-2.3 3.9-3.4 6-3.2 3.9.4 5.6 4.6 4 7.7C19.5 16.4 12 21 12 21z"
          />
        </svg>
      </button>
      <span
        className="like-count"
        data-testid="likes-count"
        data-value={shown ?? ''}
        aria-label={shown === null ? undefined : t('live.like.count', { count: shown })}
      >
        {shown === null ? '–' : formatLiveCount(shown, lang)}
      </span>
    </div>
  );
}
