import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { DrawView } from '../../room/room-protocol';
import { describeToolError } from './tool-error';
import { GiftIcon } from './tool-icons';
import { ToolCard, ToolError } from './tool-card';
import { drawOutcome, formatClock, msLeft, ruleKeys, shortHash } from './tool-format';

/**
 * A draw (福袋): prize, winner count, time left, entrants, who may enter; join by sending the
 * 口令 as a comment (the server enters whoever comments it) or with a button; once drawn, the
 * winners and this viewer's outcome, and always a way to verify the draw.
 */
export function DrawCard({
  draw,
  serverNow,
  entered,
  viewerId,
  canTakePart,
  onEnter,
  onSendPhrase,
  onNeedSignIn,
  onDismiss,
}: {
  draw: DrawView;
  serverNow: number;
  entered: boolean;
  /** Signed-in viewer's id (null for guests). */
  viewerId: string | null;
  canTakePart: boolean;
  onEnter: () => Promise<void>;
  onSendPhrase: (phrase: string) => Promise<void>;
  onNeedSignIn: () => void;
  onDismiss?: (() => void) | undefined;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const left = msLeft(draw.closesAt, serverNow);
  const open = draw.status === 'open' && left > 0;
  const outcome = drawOutcome(draw, viewerId);
  const rules = ruleKeys(draw.rules.filter((r) => r !== 'phrase' || draw.phrase === null));

  const join = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      if (draw.phrase !== null) await onSendPhrase(draw.phrase);
      else await onEnter();
    } catch (err) {
      setError(describeToolError(t, err));
    } finally {
      setBusy(false);
    }
  };

  const meta =
    open ? (
      <span data-testid="draw-time-left">{t('interactViewer.draw.endsIn', { time: formatClock(left) })}</span>
    ) : draw.status === 'closed' || (draw.status === 'open' && left === 0) ? (
      t('interactViewer.draw.closed')
    ) : draw.status === 'drawn' ? (
      t('interactViewer.draw.drawn')
    ) : null;

  return (
    <ToolCard kind="draw" tag={t('interactViewer.draw.label')} title={draw.title} ended={draw.status === 'drawn' || draw.status === 'cancelled'} onDismiss={draw.status === 'drawn' || draw.status === 'cancelled' ? onDismiss : undefined} testId="tool-draw" meta={meta}>
      <div className="draw-prize">
        <span className="draw-gift">
          <GiftIcon size={22} />
        </span>
        <div>
          <strong data-testid="draw-prize">{draw.prize.label}</strong>
          <div className="muted small">
            {t('interactViewer.draw.winners', { count: draw.winnerCount })} · <span data-testid="draw-entrants">{t('interactViewer.draw.entrants', { count: draw.entrants })}</span>
          </div>
        </div>
      </div>

      {(draw.status === 'open' || draw.status === 'closed') && (
        <div className="draw-rules">
          <span className="small muted">{t('interactViewer.draw.whoMayEnter')}:</span>{' '}
          {draw.phrase !== null && (
            <span className="draw-rule" data-testid="draw-rule">
              {t('interactViewer.rules.phrase')}: <q className="draw-phrase">{draw.phrase}</q>
            </span>
          )}
          {rules.map((key, i) => (
            <span key={i} className="draw-rule" data-testid="draw-rule">
              {t(key)}
            </span>
          ))}
          {draw.phrase === null && rules.length === 0 && <span className="draw-rule">{t('interactViewer.draw.anyone')}</span>}
        </div>
      )}

      {open && (
        <div className="draw-action">
          {entered ? (
            <p className="tool-ok" data-testid="draw-entered">
              ✓ {t('interactViewer.draw.youreIn')}
            </p>
          ) : !canTakePart ? (
            <button type="button" className="btn btn-primary btn-block" data-testid="draw-signin" onClick={onNeedSignIn}>
              {t('interactViewer.draw.signInToJoin')}
            </button>
          ) : (
            <button type="button" className="btn btn-primary btn-block draw-join" data-testid="draw-join" disabled={busy} onClick={() => void join()}>
              {busy ? t('interactViewer.draw.joining') : draw.phrase !== null ? t('interactViewer.draw.sendPhrase', { phrase: draw.phrase }) : t('interactViewer.draw.join')}
            </button>
          )}
          {draw.commitment && (
            <p className="draw-commitment small muted" title={t('interactViewer.draw.commitmentHint')} data-testid="draw-commitment">
              {t('interactViewer.draw.commitment')}: <code>{shortHash(draw.commitment)}</code>
            </p>
          )}
        </div>
      )}

      {draw.status === 'closed' && entered && (
        <p className="tool-ok small" data-testid="draw-entered">
          ✓ {t('interactViewer.draw.youreIn')}
        </p>
      )}

      {draw.status === 'drawn' && (
        <div className="draw-result" data-testid="draw-result" data-outcome={outcome ?? 'none'}>
          {outcome === 'won' && (
            <div className="draw-won" data-testid="draw-won">
              <strong>
                <GiftIcon /> {t('interactViewer.draw.youWon')}
              </strong>
              <Link className="btn btn-primary btn-sm" to="/prizes" data-testid="draw-claim">
                {t('interactViewer.draw.claim')}
              </Link>
            </div>
          )}
          {outcome === 'lost' && entered && <p className="muted" data-testid="draw-lost">{t('interactViewer.draw.notThisTime')}</p>}
          {outcome === 'unknown' && entered && <p className="muted">{t('interactViewer.draw.maybeWon')}</p>}
          {draw.winnersTotal === 0 ? (
            <p className="muted small">{t('interactViewer.draw.noWinners')}</p>
          ) : (
            <div className="draw-winners">
              <span className="small muted">{t('interactViewer.draw.winnersList')}:</span>
              <ul data-testid="draw-winners">
                {draw.winners.map((w) => (
                  <li key={w.id} className={w.id === viewerId ? 'draw-winner-me' : undefined}>
                    {w.name}
                  </li>
                ))}
              </ul>
              {draw.winnersTotal > draw.winners.length && <span className="small muted">{t('interactViewer.draw.moreWinners', { count: draw.winnersTotal - draw.winners.length })}</span>}
            </div>
          )}
        </div>
      )}
      {draw.status === 'cancelled' && <p className="muted">{t('interactViewer.draw.cancelled')}</p>}

      {draw.status !== 'cancelled' && (
        <footer className="tool-foot">
          <Link className="small" to={`/draws/${encodeURIComponent(draw.id)}`} target="_blank" rel="noopener" data-testid="draw-verify-link">
            {t('interactViewer.draw.verify')} ↗
          </Link>
        </footer>
      )}
      <ToolError message={error} testId="draw-error" />
    </ToolCard>
  );
}
