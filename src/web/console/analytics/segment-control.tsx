import { useId, useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SegmentKind } from '../../../contracts/analytics.contract';
import { describeError } from '../../api/describe-error';
import { useApiResource } from '../../hooks/use-api-resource';
import { analyticsConsoleApi } from './analytics-console-api';
import { currentSegment, SEGMENT_KINDS, TITLE_MAX } from './segments';
import '../../styles/analytics-console.css';

/**
 * Run-of-show markers (issue 7 item 4, the report's timeline and the driver analysis): "Now:
 * [kind] [title] Start / End segment". Starting a segment ends the open one. Needs interact:run.
 */
export function SegmentControl({ sessionId, live }: { sessionId: string; live: boolean }) {
  const { t } = useTranslation();
  const segments = useApiResource((signal) => analyticsConsoleApi.segments(sessionId, signal), [sessionId]);
  const [kind, setKind] = useState<SegmentKind>('showcase');
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const kindId = useId();
  const titleId = useId();
  const current = segments.data ? currentSegment(segments.data.items) : null;

  const start = async (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    const text = title.trim();
    if (!text) {
      setError(t('analyticsConsole.segments.titleNeeded'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const saved = await analyticsConsoleApi.startSegment(sessionId, kind, text);
      setTitle('');
      segments.setData((prev) => ({ items: [...(prev?.items ?? []).map((s) => (s.endedAt === null ? { ...s, endedAt: saved.startedAt } : s)), saved] }));
    } catch (err) {
      setError(describeError(t, err));
    } finally {
      setBusy(false);
    }
  };

  const end = async () => {
    setBusy(true);
    setError(null);
    try {
      await analyticsConsoleApi.endSegment(sessionId);
      segments.reload();
    } catch (err) {
      setError(describeError(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card live-card segment-control" aria-labelledby="segment-control-title" data-testid="segment-control">
      <h2 id="segment-control-title" className="card-title">
        {t('analyticsConsole.segments.title')}
      </h2>
      <p className="segment-now" data-testid="segment-current">
        <span className="muted">{t('analyticsConsole.segments.now')}</span>{' '}
        {current ? (
          <>
            <span className="badge badge-live">{t(`analytics.segmentKind.${current.kind}`)}</span> <strong>{current.title}</strong>
          </>
        ) : (
          <span className="muted">{t('analyticsConsole.segments.none')}</span>
        )}
      </p>
      <form className="segment-form" onSubmit={(e) => void start(e)}>
        <label className="visually-hidden" htmlFor={kindId}>
          {t('analyticsConsole.segments.kind')}
        </label>
        <select id={kindId} value={kind} data-testid="segment-kind" onChange={(e) => { setKind(e.target.value as SegmentKind); }}>
          {SEGMENT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`analytics.segmentKind.${k}`)}
            </option>
          ))}
        </select>
        <label className="visually-hidden" htmlFor={titleId}>
          {t('analyticsConsole.segments.segmentTitle')}
        </label>
        <input
          id={titleId}
          type="text"
          value={title}
          maxLength={TITLE_MAX}
          placeholder={t('analyticsConsole.segments.titlePlaceholder')}
          data-testid="segment-title"
          onChange={(e) => { setTitle(e.target.value); }}
        />
        <div className="segment-buttons">
          <button type="submit" className="btn btn-sm btn-primary" disabled={busy || !live} data-testid="segment-start">
            {t('analyticsConsole.segments.start')}
          </button>
          <button type="button" className="btn btn-sm" disabled={busy || !current} data-testid="segment-end" onClick={() => void end()}>
            {t('analyticsConsole.segments.end')}
          </button>
        </div>
      </form>
      {!live && <p className="muted small">{t('analyticsConsole.segments.onlyLive')}</p>}
      {error && (
        <p className="form-error" role="alert" data-testid="segment-error">
          {error}
        </p>
      )}
    </section>
  );
}
