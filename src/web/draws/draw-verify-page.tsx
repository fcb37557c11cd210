import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { isApiError } from '../api/api-client';
import { drawRecordPath, interactViewerApi, type PublicDrawReply } from '../api/interact-viewer-api';
import { ErrorState, LoadingState } from '../components/page-states';
import { formatDateTime } from '../format/date-format';
import { useApiResource } from '../hooks/use-api-resource';
import { ViewerShell } from '../orders/viewer-shell';
import { ruleSetLines } from '../viewer/tools/tool-format';
import { verifyDrawInBrowser, type BrowserVerification } from './draw-verifier';
import '../styles/room-tools.css';

/** Winners listed on the page before "show all". */
const WINNERS_SHOWN = 200;

/**
 * `/draws/:id`, public: the draw as published (prize, rules, the commitment / entrants hash / seed
 * timeline, winners) and "Verify in my browser", which recomputes every published value with
 * WebCrypto and says per item whether it matches.
 */
export function DrawVerifyPage() {
  const { id = '' } = useParams<{ id: string }>();
  const { t } = useTranslation();
  const res = useApiResource((signal) => interactViewerApi.publicDraw(id, signal), [id]);
  useEffect(() => {
    document.title = `${t('interactViewer.verify.title')} · ${t('app.name')}`;
  }, [t]);
  const notFound = isApiError(res.error) && res.error.status === 404;
  return (
    <ViewerShell>
      <div className="verify-page" data-testid="draw-verify-page">
        {res.loading ? (
          <LoadingState />
        ) : notFound ? (
          <section className="card">
            <h1>{t('interactViewer.verify.title')}</h1>
            <p className="muted" data-testid="draw-not-found">{t('interactViewer.verify.notFound')}</p>
          </section>
        ) : res.error || !res.data ? (
          <ErrorState error={res.error} audience="viewer" onRetry={res.reload} />
        ) : (
          <DrawVerifyBody data={res.data} />
        )}
      </div>
    </ViewerShell>
  );
}

function DrawVerifyBody({ data }: { data: PublicDrawReply }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const { draw, record } = data;
  const [showAll, setShowAll] = useState(false);
  const rules = ruleSetLines(data.ruleSet);
  const recordUrl = `${location.origin}${drawRecordPath(draw.id)}`;
  const steps = [
    { key: 'opened', at: data.openedAt, hashLabel: t('interactViewer.verify.commitment'), hash: draw.commitment ?? record?.commitment ?? null },
    { key: 'closed', at: data.closedAt, hashLabel: t('interactViewer.verify.entrantsHash'), hash: draw.entrantsHash ?? record?.entrantsHash ?? null },
    { key: 'drawn', at: data.drawnAt, hashLabel: t('interactViewer.verify.seed'), hash: record?.seed ?? draw.seed ?? null },
  ] as const;
  // Draw order (place), numbered from 1 whatever base the server counts places from.
  const ordered = [...data.winners].sort((a, b) => a.place - b.place);
  const winners = showAll ? ordered : ordered.slice(0, WINNERS_SHOWN);

  return (
    <>
      <section className="card" data-testid="draw-facts">
        <h1 data-testid="draw-title">{draw.title}</h1>
        <div className="verify-facts">
          <p>{t('interactViewer.verify.session', { title: data.sessionTitle })}</p>
          <p>
            {t('interactViewer.verify.prize', { label: draw.prize.label })} · {t('interactViewer.verify.winnerCount', { count: draw.winnerCount })} ·{' '}
            {t('interactViewer.verify.entrants', { count: record?.entrants.length ?? draw.entrants })}
          </p>
        </div>
        <h2 className="card-title">{t('interactViewer.verify.rules')}</h2>
        <ul data-testid="draw-rules">
          {rules.length === 0 ? <li>{t('interactViewer.verify.anyone')}</li> : rules.map((r) => <li key={r.key}>{t(r.key, r.values)}</li>)}
        </ul>
      </section>

      <section className="card">
        <h2 className="card-title">{t('interactViewer.verify.timeline')}</h2>
        <ol className="verify-timeline" data-testid="draw-timeline">
          {steps.map((s) => (
            <li key={s.key}>
              <span className={s.at ? 'verify-dot verify-dot-done' : 'verify-dot'} aria-hidden="true" />
              <span>
                <strong>{t(`interactViewer.verify.${s.key}`)}</strong> · {s.at ? <time dateTime={s.at}>{formatDateTime(s.at, lang)}</time> : t('interactViewer.verify.notYet')}
              </span>
              {s.hash && (
                <code className="verify-hash">
                  {s.hashLabel}: {s.hash}
                </code>
              )}
            </li>
          ))}
        </ol>
      </section>

      <section className="card" data-testid="verify-card">
        <h2 className="card-title">{t('interactViewer.verify.how')}</h2>
        <p className="muted small">{t('interactViewer.verify.howBody')}</p>
        {record ? <Verifier data={data} /> : <p className="muted" data-testid="verify-not-drawn">{t('interactViewer.verify.notDrawn')}</p>}
        <p className="small">{t('interactViewer.verify.cli')}</p>
        <code className="verify-cli" data-testid="verify-cli">
          onair verify-draw {recordUrl}
        </code>
        {record && (
          <p>
            <a href={drawRecordPath(draw.id)} download={`draw-${draw.id}.json`} data-testid="verify-download">
              {t('interactViewer.verify.download')}
            </a>
          </p>
        )}
      </section>

      <section className="card">
        <h2 className="card-title">{t('interactViewer.verify.winners')}</h2>
        {data.winners.length === 0 ? (
          <p className="muted">{t('interactViewer.verify.noWinners')}</p>
        ) : (
          <>
            <ol className="verify-winners" data-testid="verify-winners">
              {winners.map((w, i) => (
                <li key={`${String(w.place)}-${w.id}`}>
                  <span className="muted">{t('interactViewer.verify.place', { place: i + 1 })}</span> {w.name}
                </li>
              ))}
            </ol>
            {!showAll && data.winners.length > WINNERS_SHOWN && (
              <button type="button" className="btn btn-sm" onClick={() => { setShowAll(true); }}>
                {t('interactViewer.draw.moreWinners', { count: data.winners.length - WINNERS_SHOWN })}
              </button>
            )}
          </>
        )}
      </section>
    </>
  );
}

function Verifier({ data }: { data: PublicDrawReply }) {
  const { t } = useTranslation();
  const record = data.record;
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [result, setResult] = useState<BrowserVerification | null>(null);
  const [failed, setFailed] = useState(false);
  const supported = typeof globalThis.crypto !== 'undefined' && typeof globalThis.crypto.subtle !== 'undefined';
  if (!record) return null;

  const run = async () => {
    setResult(null);
    setFailed(false);
    setProgress({ done: 0, total: Math.min(record.winnerCount, record.entrants.length) });
    try {
      const v = await verifyDrawInBrowser(record, {
        published: { commitment: data.draw.commitment, entrantsHash: data.draw.entrantsHash },
        onProgress: (done, total) => { setProgress({ done, total }); },
      });
      setResult(v);
    } catch {
      setFailed(true);
    } finally {
      setProgress(null);
    }
  };

  if (!supported) return <p className="tool-error" data-testid="verify-unsupported">{t('interactViewer.verify.unsupported')}</p>;
  return (
    <div className="verify-run">
      <button type="button" className="btn btn-primary" data-testid="verify-run" disabled={progress !== null} onClick={() => void run()}>
        {result ? t('interactViewer.verify.again') : t('interactViewer.verify.run')}
      </button>
      {progress && (
        <div role="status" data-testid="verify-progress">
          <progress className="verify-progress" max={Math.max(1, progress.total)} value={progress.done} />
          <span className="small muted">{t('interactViewer.verify.running', { done: progress.done, total: progress.total })}</span>
        </div>
      )}
      {failed && <p className="tool-error">{t('interactViewer.verify.unsupported')}</p>}
      {result && (
        <>
          <p className={result.ok ? 'verify-verdict verify-verdict-ok' : 'verify-verdict verify-verdict-bad'} role="status" data-testid="verify-verdict" data-ok={result.ok}>
            {result.ok ? t('interactViewer.verify.allMatch', { ms: result.elapsedMs }) : t('interactViewer.verify.someMismatch')}
          </p>
          <ul className="verify-checks" data-testid="verify-checks">
            {result.checks.map((c) => (
              <li key={c.item} className={`verify-check verify-${c.status}`} data-testid="verify-check" data-item={c.item} data-status={c.status}>
                <span>
                  {t(`interactViewer.verify.item.${c.item}`)}
                  {c.position !== undefined && <span className="small muted"> ({t('interactViewer.verify.firstDiff', { position: c.position })})</span>}
                </span>
                <span className="verify-status">{t(`interactViewer.verify.${c.status}`)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
