import { useTranslation } from 'react-i18next';
import { interactConsoleApi, type DrawDetail } from '../../api/interact-console-api';
import { formatDateTime } from '../../format/date-format';
import { formatCount } from '../../format/money-format';
import { usePolledResource } from '../../hooks/use-polled-resource';
import { DrawForm } from './draw-form';
import { timeLeft } from './interact-format';
import { ToolStages } from './tool-section';
import type { ToolTabProps } from './tool-props';

type DrawAction = 'open' | 'close' | 'run' | 'cancel';

/** Draws (抽奖 / 福袋): running ones, prepared drafts, and drawn ones with winners and proof. */
export function DrawsTab(props: ToolTabProps) {
  const { t } = useTranslation();
  const { data, canRun } = props;
  const running = data.draws.filter((d) => d.status === 'open' || d.status === 'closed');
  const drafts = data.draws.filter((d) => d.status === 'draft');
  const ended = data.draws.filter((d) => d.status === 'drawn' || d.status === 'cancelled').reverse();
  return (
    <>
      <p className="ic-fair-note" data-testid="ic-fair-note">
        {t('interactConsole.draws.fairness')}
      </p>
      <ToolStages
        live={running}
        prepared={drafts}
        ended={ended}
        emptyLive={t('interactConsole.draws.noneOpen')}
        emptyPrepared={t('interactConsole.draws.noneDraft')}
        testIds={['ic-draws-open', 'ic-draws-draft', 'ic-draws-ended']}
        form={canRun && <DrawForm {...props} />}
        render={(d) => <DrawCard key={d.id} draw={d} {...props} />}
      />
    </>
  );
}

function DrawCard({ draw, sessionId, now, canRun, act, busy }: ToolTabProps & { draw: DrawDetail }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const key = `draw:${draw.id}`;
  const run = (action: DrawAction) => {
    if ((action === 'cancel' || action === 'run') && !window.confirm(t(`interactConsole.draws.confirm.${action}`, { title: draw.title }))) return;
    void act(key, () => interactConsoleApi.drawAction(sessionId, draw.id, action), t(`interactConsole.draws.done.${action}`, { title: draw.title }));
  };
  const verifyPath = `/draws/${encodeURIComponent(draw.id)}`;
  const entryWindowOver = draw.status === 'open' && draw.closesAt !== null && draw.closesAt <= now;
  return (
    <article className={`ic-card ic-card-${draw.status}`} data-testid="ic-draw" data-draw-id={draw.id} data-status={draw.status}>
      <header className="ic-card-head">
        <span className={`badge ic-status-${draw.status}`}>{t(`interactConsole.draws.status.${draw.status}`)}</span>
        <h4 className="ic-card-title">{draw.title}</h4>
      </header>
      <p className="ic-meta">
        {(draw.prize.kind === 'product' || draw.prize.kind === 'coupon') && <>{t(`interactConsole.draws.prize.${draw.prize.kind}`)}: </>}
        <span className="ic-prize">{draw.prize.label}</span> × {formatCount(draw.winnerCount, lang)}
      </p>
      {draw.phrase && (
        <p className="ic-phrase" data-testid="ic-draw-phrase">
          {t('interactConsole.draws.phrase')} <strong>{draw.phrase}</strong>
        </p>
      )}
      <RuleChips draw={draw} />
      {draw.status !== 'draft' && draw.status !== 'cancelled' && (
        <dl className="ic-figures">
          <div>
            <dt>{t('interactConsole.draws.entrants')}</dt>
            <dd data-testid="ic-draw-entrants">{formatCount(draw.entrants, lang)}</dd>
          </div>
          {draw.entries !== draw.entrants && (
            <div>
              <dt>{t('interactConsole.draws.entries')}</dt>
              <dd>{formatCount(draw.entries, lang)}</dd>
            </div>
          )}
          {draw.status === 'open' && (
            <div>
              <dt>{t('interactConsole.draws.closesIn')}</dt>
              <dd className="ic-clock" data-testid="ic-draw-left">
                {timeLeft(draw.closesAt, now)}
              </dd>
            </div>
          )}
          {draw.status === 'drawn' && (
            <div>
              <dt>{t('interactConsole.draws.winners')}</dt>
              <dd data-testid="ic-draw-winners-total">{formatCount(draw.winnersTotal, lang)}</dd>
            </div>
          )}
        </dl>
      )}
      {draw.status === 'draft' && <p className="ic-meta">{t('interactConsole.draws.entryFor', { time: timeLeft(draw.entrySeconds * 1000, 0) })}</p>}
      {entryWindowOver && <p className="ic-meta">{t('interactConsole.draws.closing')}</p>}
      {draw.status !== 'draft' && draw.status !== 'cancelled' && <Fairness draw={draw} verifyPath={verifyPath} />}
      {draw.status === 'drawn' && <Winners draw={draw} sessionId={sessionId} lang={lang} />}
      {canRun && draw.status !== 'drawn' && draw.status !== 'cancelled' && (
        <div className="ic-actions">
          {draw.status === 'draft' && (
            <button type="button" className="btn btn-sm btn-primary" data-testid="ic-draw-open" disabled={busy === key} onClick={() => { run('open'); }}>
              {t('interactConsole.draws.open')}
            </button>
          )}
          {draw.status === 'open' && (
            <button type="button" className="btn btn-sm" data-testid="ic-draw-close" disabled={busy === key} onClick={() => { run('close'); }}>
              {t('interactConsole.draws.close')}
            </button>
          )}
          {/* While open, "draw now" closes the entries first (the hash is published before the seed). */}
          {(draw.status === 'open' || draw.status === 'closed') && (
            <button type="button" className="btn btn-sm btn-primary" data-testid="ic-draw-run" disabled={busy === key} onClick={() => { run('run'); }}>
              {t('interactConsole.draws.run')}
            </button>
          )}
          <button type="button" className="btn btn-sm btn-ghost" data-testid="ic-draw-cancel" disabled={busy === key} onClick={() => { run('cancel'); }}>
            {t('interactConsole.cancel')}
          </button>
        </div>
      )}
    </article>
  );
}

const RULE_FLAGS = ['followsBrand', 'reservedSession', 'boughtInSession', 'accountOlderThanSession', 'inRoomAtDraw'] as const;

function RuleChips({ draw }: { draw: DrawDetail }) {
  const { t } = useTranslation();
  const r = draw.ruleSet;
  const chips: string[] = [];
  if (r.minWatchMinutes !== undefined) chips.push(t('interactConsole.draws.rules.minWatch', { count: r.minWatchMinutes }));
  if (r.minFanLevel !== undefined) chips.push(t('interactConsole.draws.rules.minFan', { level: r.minFanLevel }));
  for (const f of RULE_FLAGS) if (r[f]) chips.push(t(`interactConsole.draws.rules.${f}`));
  if (r.repeatWinCap) chips.push(t('interactConsole.draws.rules.cap', { count: r.repeatWinCap.maxWins, days: r.repeatWinCap.windowDays }));
  if (chips.length === 0 && !r.phrase) chips.push(t('interactConsole.draws.rules.anyone'));
  if (chips.length === 0) return null;
  return (
    <ul className="ic-chips" aria-label={t('interactConsole.draws.rules.title')}>
      {chips.map((c) => <li key={c}>{c}</li>)}
    </ul>
  );
}

const short = (hex: string | null) => (hex ? `${hex.slice(0, 10)}…${hex.slice(-6)}` : null);

/** The three published values of a provably fair draw, and the public page that rechecks them. */
function Fairness({ draw, verifyPath }: { draw: DrawDetail; verifyPath: string }) {
  const { t } = useTranslation();
  const rows = [
    ['commitment', draw.commitment],
    ['entrantsHash', draw.entrantsHash],
    ['seed', draw.seed],
  ] as const;
  return (
    <div className="ic-fair" data-testid="ic-draw-fairness">
      <dl>
        {rows.map(([name, value]) => (
          <div key={name}>
            <dt>{t(`interactConsole.draws.proof.${name}`)}</dt>
            <dd>
              {value ? (
                <code title={value} data-testid={`ic-draw-${name}`}>
                  {short(value)}
                </code>
              ) : (
                <span className="muted">{t(`interactConsole.draws.proof.${name}Pending`)}</span>
              )}
            </dd>
          </div>
        ))}
      </dl>
      <a className="ic-verify" href={verifyPath} target="_blank" rel="noopener" data-testid="ic-draw-verify">
        {t('interactConsole.draws.verify')} {verifyPath} ↗
      </a>
    </div>
  );
}

const CLAIM_TONE: Record<string, string> = { pending: 'tone-warn', claimed: 'tone-info', issued: 'tone-ok', lapsed: '', redrawn: '' };
const WINNERS_SHOWN = 50;

function Winners({ draw, sessionId, lang }: { draw: DrawDetail; sessionId: string; lang: string }) {
  const { t } = useTranslation();
  // Claims move slowly (a winner fills in an address): every 10 s is enough.
  const winners = usePolledResource((signal) => interactConsoleApi.drawWinners(sessionId, draw.id, signal), [sessionId, draw.id], 10_000);
  const c = draw.claims;
  return (
    <div className="ic-winners" data-testid="ic-draw-winners">
      <p className="ic-meta">
        {t('interactConsole.draws.claims', { pending: c.pending, claimed: c.claimed, issued: c.issued, lapsed: c.lapsed, redrawn: c.redrawn })}
        {' · '}
        {t('interactConsole.draws.claimWithin', { count: draw.claimHours })}
      </p>
      {winners.data ? (
        winners.data.items.length === 0 ? (
          <p className="muted small">{t('interactConsole.draws.noWinners')}</p>
        ) : (
          <ol className="ic-winner-list">
            {winners.data.items.slice(0, WINNERS_SHOWN).map((w) => (
              <li key={w.id} data-testid="ic-draw-winner" data-status={w.status}>
                <span className="ic-place">{w.place + 1}</span>
                <span className="ic-winner-name">{w.name}</span>
                <span className={`badge ${CLAIM_TONE[w.status] ?? ''}`}>{t(`interactConsole.draws.claim.${w.status}`)}</span>
                <span className="muted small ic-winner-when">
                  {w.status === 'pending' && w.claimBy ? t('interactConsole.draws.claimBy', { time: formatDateTime(w.claimBy, lang) }) : w.claimedAt ? formatDateTime(w.claimedAt, lang) : ''}
                  {w.address ? ` · ${w.address.region}` : w.hasAddress ? ` · ${t('interactConsole.draws.hasAddress')}` : ''}
                </span>
              </li>
            ))}
          </ol>
        )
      ) : (
        winners.error != null && <p className="muted small">{t('interactConsole.draws.winnersUnavailable')}</p>
      )}
      {winners.data && winners.data.items.length > WINNERS_SHOWN && <p className="muted small">{t('interactConsole.draws.moreWinners', { count: winners.data.items.length - WINNERS_SHOWN })}</p>}
    </div>
  );
}
