import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { DEFAULT_OBS_PRESET, OBS_PRESETS, bitrateRangeFor, preflightGroups, presetTargetKbps, recommendedObsSettings, requiredUploadKbps, type ObsPresetId, type PreflightGroup } from '../../contracts/preflight.contract.js';
import { consoleApi } from '../api/console-api';
import { describeError } from '../api/describe-error';
import { preflightApi, type PreflightItemState, type PreflightReply } from '../api/preflight-api';
import { useAuth } from '../auth/auth-context';
import { PERMISSIONS } from '../auth/permissions';
import { StatusBadge } from '../components/badges';
import { FormError } from '../components/form-field';
import { Notice } from '../components/notice';
import { ErrorState, LoadingState } from '../components/page-states';
import { formatDateTime } from '../format/date-format';
import { useApiResource } from '../hooks/use-api-resource';
import { useNotice } from '../hooks/use-notice';
import { usePolledResource } from '../hooks/use-polled-resource';
import '../styles/preflight.css';
import { StreamTestMode } from './stream-test-mode';
import { runUploadTest, type UploadTestResult } from './upload-speed-test';

/** Auto checks follow the encoder: refresh while the page is open. */
const POLL_MS = 5000;

const mbps = (kbps: number, lang: string) => new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(kbps / 1000);

/**
 * `/console/sessions/:id/preflight`: handbook 3.3's checklist (hardware, software, network, scene,
 * content) that the tech and the host tick, with Onair's own checks beside theirs, the recommended
 * OBS values, the upload-speed test, and the test stream with its private preview.
 */
export function PreflightPage() {
  const { id = '' } = useParams<{ id: string }>();
  const { t } = useTranslation();
  const session = useApiResource((signal) => consoleApi.getSession(id, signal), [id]);
  const list = usePolledResource((signal) => preflightApi.checklist(id, signal), [id], POLL_MS);
  const [notice, showNotice, dismissNotice] = useNotice();
  const [preset, setPreset] = useState<ObsPresetId>(DEFAULT_OBS_PRESET);

  const title = session.data?.title;
  useEffect(() => {
    document.title = title ? `${t('preflight.pageTitle', { title })} · ${t('app.consoleTitle')}` : t('app.consoleTitle');
    return () => { document.title = t('app.consoleTitle'); };
  }, [title, t]);

  if (session.loading || list.loading) return <LoadingState />;
  if (session.error || !session.data) return <ErrorState error={session.error} onRetry={session.reload} />;
  if (!list.data) return <ErrorState error={list.error} onRetry={list.refresh} />;
  const s = session.data;
  const c = list.data;
  const update = (next: PreflightReply) => { list.setData(() => next); };

  return (
    <section className="page preflight-page" data-testid="preflight-page" data-session-id={s.id}>
      <nav className="breadcrumb" aria-label={t('sessionDetail.breadcrumb')}>
        <Link to="/console/sessions">{t('nav.sessions')}</Link>
        <span aria-hidden="true">/</span>
        <Link to={`/console/sessions/${s.id}`}>{s.title}</Link>
        <span aria-hidden="true">/</span>
        <span className="breadcrumb-current">{t('preflight.title')}</span>
      </nav>
      <header className="page-header preflight-header">
        <div>
          <h1>{t('preflight.title')}</h1>
          <div className="row-meta">
            <span className="cell-break">{s.title}</span>
            <StatusBadge status={s.status} />
          </div>
          <p className="muted preflight-lead">{t('preflight.lead')}</p>
        </div>
        <Summary summary={c.summary} />
      </header>
      <Notice message={notice} onDismiss={dismissNotice} />
      <div className="detail-grid preflight-grid">
        <div className="detail-main">
          {preflightGroups.map((g) => (
            <GroupCard key={g} group={g} items={c.items.filter((i) => i.group === g)} sessionId={id} onSaved={update} />
          ))}
        </div>
        <div className="detail-side">
          <section className="card detail-card" data-testid="preflight-test-card">
            <StreamTestMode sessionId={id} onChanged={(m) => { showNotice(m); list.refresh(); }} />
          </section>
          <UploadTestCard sessionId={id} preset={preset} onPreset={setPreset} item={c.items.find((i) => i.key === 'network.upload')!} onSaved={update} />
          <ObsSettingsCard preset={preset} onPreset={setPreset} />
        </div>
      </div>
    </section>
  );
}

function Summary({ summary }: { summary: PreflightReply['summary'] }) {
  const { t } = useTranslation();
  const pct = summary.total ? Math.round((summary.done / summary.total) * 100) : 0;
  return (
    <div className={`preflight-summary${summary.ready ? ' is-ready' : ''}`} data-testid="preflight-summary" data-done={summary.done} data-total={summary.total} data-ready={summary.ready ? 'yes' : 'no'}>
      <p className="preflight-summary-count">{t('preflight.summary', { done: summary.done, total: summary.total })}</p>
      <div className="preflight-bar" role="progressbar" aria-label={t('preflight.progressLabel')} aria-valuemin={0} aria-valuemax={summary.total} aria-valuenow={summary.done}>
        <span style={{ width: `${String(pct)}%` }} />
      </div>
      <p className="small">
        <span className={`badge ${summary.ready ? 'tone-ok' : 'badge-muted'}`}>{summary.ready ? t('preflight.ready') : t('preflight.notReady')}</span>
        {summary.failing.length > 0 && (
          <span className="preflight-failing" data-testid="preflight-failing">
            {' '}
            {t('preflight.failing', { count: summary.failing.length })}
          </span>
        )}
      </p>
    </div>
  );
}

function GroupCard({ group, items, sessionId, onSaved }: { group: PreflightGroup; items: PreflightItemState[]; sessionId: string; onSaved: (next: PreflightReply) => void }) {
  const { t } = useTranslation();
  const titleId = useId();
  const done = items.filter((i) => i.done).length;
  return (
    <section className="card detail-card preflight-group" aria-labelledby={titleId} data-testid={`preflight-group-${group}`}>
      <div className="detail-card-head">
        <h2 className="card-title" id={titleId}>
          {t(`preflight.groups.${group}`)}
        </h2>
        <span className={`badge ${done === items.length ? 'tone-ok' : 'badge-muted'}`}>
          {done}/{items.length}
        </span>
      </div>
      <ul className="preflight-items">
        {items.map((i) => (
          <ItemRow key={i.key} item={i} sessionId={sessionId} onSaved={onSaved} />
        ))}
      </ul>
    </section>
  );
}

function ItemRow({ item, sessionId, onSaved }: { item: PreflightItemState; sessionId: string; onSaved: (next: PreflightReply) => void }) {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const lang = i18n.resolvedLanguage ?? 'en';
  const boxId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState(item.note ?? '');
  // The box follows the click at once; the server's answer then confirms (or a failure puts it back).
  const [pending, setPending] = useState<boolean | null>(null);
  const [g, n] = item.key.split('.') as [string, string];
  const roles = item.roles.map((r) => t(`preflight.roleNames.${r}`)).join(' / ');
  const canTick = can(PERMISSIONS.preflightCheck);

  const save = async (body: { checked: boolean; note?: string | null }) => {
    setBusy(true);
    setError(null);
    setPending(body.checked);
    try {
      onSaved(await preflightApi.tick(sessionId, item.key, body));
    } catch (err) {
      setError(t('preflight.saveFailed', { error: describeError(t, err) }));
    } finally {
      setPending(null);
      setBusy(false);
    }
  };

  return (
    <li className={`preflight-item${item.done ? ' is-done' : ''}${item.auto?.status === 'fail' ? ' is-failing' : ''}`} data-testid={`preflight-item-${item.key}`} data-checked={item.checked ? 'yes' : 'no'} data-done={item.done ? 'yes' : 'no'}>
      <input
        id={boxId}
        type="checkbox"
        className="preflight-check"
        checked={pending ?? item.checked}
        disabled={busy || !item.mayTick}
        data-testid={`preflight-check-${item.key}`}
        onChange={(e) => void save({ checked: e.currentTarget.checked })}
      />
      <div className="preflight-item-body">
        <label htmlFor={boxId} className="preflight-item-title">
          {t(`preflight.items.${g}.${n}.title`)}
          {item.auto && <span className="preflight-auto-tag">{t('preflight.auto.label')}</span>}
        </label>
        <p className="muted small">{t(`preflight.items.${g}.${n}.hint`)}</p>
        {item.auto && <AutoLine auto={item.auto} itemKey={item.key} lang={lang} />}
        <p className="muted small preflight-who">
          {item.byName && item.at ? (
            <span data-testid={`preflight-by-${item.key}`}>✓ {item.checked ? t('preflight.tickedBy', { name: item.byName, time: formatDateTime(item.at, lang) }) : t('preflight.untickedBy', { name: item.byName, time: formatDateTime(item.at, lang) })}</span>
          ) : item.mayTick || !canTick ? (
            t('preflight.roles', { roles })
          ) : (
            t('preflight.notYours', { roles })
          )}
        </p>
        {item.note && <p className="small preflight-note">“{item.note}”</p>}
        {item.mayTick ? (
          <details className="preflight-note-edit">
            <summary className="small">{t('preflight.note')}</summary>
            <div className="copy-row">
              <input type="text" value={note} maxLength={500} placeholder={t('preflight.notePlaceholder')} aria-label={t('preflight.note')} onChange={(e) => { setNote(e.currentTarget.value); }} />
              <button type="button" className="btn btn-sm" disabled={busy || note === (item.note ?? '')} onClick={() => void save({ checked: item.checked, note: note.trim() || null })}>
                {t('preflight.saveNote')}
              </button>
            </div>
          </details>
        ) : null}
        <FormError message={error} />
      </div>
    </li>
  );
}

function AutoLine({ auto, itemKey, lang }: { auto: NonNullable<PreflightItemState['auto']>; itemKey: string; lang: string }) {
  const { t } = useTranslation();
  const upload = itemKey === 'network.upload';
  const fmt = (v: number | null) => (v === null ? '' : upload ? t('preflight.upload.mbps', { value: mbps(v, lang) }) : String(Math.round(v * 10) / 10));
  const vars = { value: fmt(auto.value), limit: fmt(auto.limit) };
  const sentence =
    auto.status === 'pass'
      ? t(itemKey === 'software.keyframes' ? 'preflight.auto.okKeyframes' : upload ? 'preflight.auto.okUpload' : 'preflight.auto.okEncoder', vars)
      : t(`preflight.auto.${auto.reason ?? 'NOT_MEASURED'}`, vars);
  const tone = auto.status === 'pass' ? 'tone-ok' : auto.status === 'fail' ? 'tone-warn' : 'badge-muted';
  return (
    <p className="small preflight-auto" data-testid={`preflight-auto-${itemKey}`} data-status={auto.status}>
      <span className={`badge ${tone}`}>{t(`preflight.auto.${auto.status}`)}</span> {sentence}
    </p>
  );
}

function PresetSelect({ preset, onPreset }: { preset: ObsPresetId; onPreset: (p: ObsPresetId) => void }) {
  const { t } = useTranslation();
  const selectId = useId();
  return (
    <div className="field preflight-preset">
      <label className="field-label" htmlFor={selectId}>
        {t('preflight.obs.preset')}
      </label>
      <select id={selectId} value={preset} onChange={(e) => { onPreset(e.currentTarget.value as ObsPresetId); }} data-testid="preflight-preset">
        {OBS_PRESETS.map((p) => (
          <option key={p.id} value={p.id}>
            {p.height}p{p.fps} · {p.videoKbps} Kbps
          </option>
        ))}
      </select>
    </div>
  );
}

function UploadTestCard({ sessionId, preset, onPreset, item, onSaved }: { sessionId: string; preset: ObsPresetId; onPreset: (p: ObsPresetId) => void; item: PreflightItemState; onSaved: (next: PreflightReply) => void }) {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const lang = i18n.resolvedLanguage ?? 'en';
  const titleId = useId();
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<UploadTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const target = presetTargetKbps(preset);
  const need = requiredUploadKbps(target);
  const p = OBS_PRESETS.find((x) => x.id === preset)!;
  const running = progress !== null;

  const run = async () => {
    setError(null);
    setResult(null);
    setProgress(0);
    try {
      const r = await runUploadTest(sessionId, setProgress);
      setResult(r);
      // The tech (or owner, admin) keeps the result on the checklist; it is held to the chosen bitrate.
      if (item.mayTick) onSaved(await preflightApi.tick(sessionId, 'network.upload', { checked: r.browserKbps >= need, measuredKbps: r.browserKbps, targetKbps: target }));
    } catch (err) {
      setError(t('preflight.upload.failed', { error: describeError(t, err) }));
    } finally {
      setProgress(null);
    }
  };

  return (
    <section className="card detail-card preflight-upload" aria-labelledby={titleId} data-testid="preflight-upload">
      <h2 className="card-title" id={titleId}>
        {t('preflight.upload.title')}
      </h2>
      <p className="muted small">{t('preflight.upload.lead')}</p>
      <PresetSelect preset={preset} onPreset={onPreset} />
      <p className="small" data-testid="preflight-upload-target">
        {t('preflight.upload.target', { preset: `${String(p.height)}p${String(p.fps)}`, kbps: target, need: t('preflight.upload.mbps', { value: mbps(need, lang) }) })}
      </p>
      <div className="preflight-bar" role="progressbar" aria-label={t('preflight.upload.progress')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round((progress ?? (result ? 1 : 0)) * 100)} data-testid="preflight-upload-progress">
        <span style={{ width: `${String(Math.round((progress ?? (result ? 1 : 0)) * 100))}%` }} />
      </div>
      {result && (
        <div className="stack preflight-upload-result" data-testid="preflight-upload-result" data-kbps={result.browserKbps} data-pass={result.browserKbps >= need ? 'yes' : 'no'}>
          <p className="preflight-upload-figure">
            {result.serverKbps !== null
              ? t('preflight.upload.result', { browser: t('preflight.upload.mbps', { value: mbps(result.browserKbps, lang) }), server: t('preflight.upload.mbps', { value: mbps(result.serverKbps, lang) }) })
              : t('preflight.upload.resultNoServer', { browser: t('preflight.upload.mbps', { value: mbps(result.browserKbps, lang) }) })}
          </p>
          <p className={`small ${result.browserKbps >= need ? 'preflight-ok' : 'preflight-bad'}`}>{result.browserKbps >= need ? t('preflight.upload.pass') : t('preflight.upload.fail')}</p>
        </div>
      )}
      <FormError message={error} testId="preflight-upload-error" />
      <div className="detail-actions">
        <button type="button" className="btn btn-sm btn-primary" data-testid="preflight-upload-run" disabled={running || !can(PERMISSIONS.preflightCheck)} onClick={() => void run()}>
          {running ? t('preflight.upload.running') : result ? t('preflight.upload.again') : t('preflight.upload.run')}
        </button>
      </div>
    </section>
  );
}

function ObsSettingsCard({ preset, onPreset }: { preset: ObsPresetId; onPreset: (p: ObsPresetId) => void }) {
  const { t } = useTranslation();
  const titleId = useId();
  const [copied, setCopied] = useState<{ key: string; ok: boolean } | null>(null);
  const p = OBS_PRESETS.find((x) => x.id === preset)!;
  const range = bitrateRangeFor(p.height);

  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => { setCopied(null); }, 2500);
    return () => { window.clearTimeout(timer); };
  }, [copied]);

  const copy = async (key: string, value: string, el: HTMLElement | null) => {
    try {
      if (typeof navigator.clipboard === 'undefined') throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setCopied({ key, ok: true });
    } catch {
      // Plain http on a LAN address has no clipboard API: select the value for a manual copy.
      if (el) {
        const range = document.createRange();
        range.selectNodeContents(el);
        const sel = window.getSelection();
        sel?.removeAllRanges();
        sel?.addRange(range);
      }
      setCopied({ key, ok: false });
    }
  };

  return (
    <section className="card detail-card preflight-obs" aria-labelledby={titleId} data-testid="preflight-obs">
      <h2 className="card-title" id={titleId}>
        {t('preflight.obs.title')}
      </h2>
      <p className="muted small">{t('preflight.obs.lead')}</p>
      <PresetSelect preset={preset} onPreset={onPreset} />
      <table className="preflight-obs-table">
        <thead>
          <tr>
            <th scope="col">{t('preflight.obs.setting')}</th>
            <th scope="col">{t('preflight.obs.value')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('preflight.obs.copy')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {recommendedObsSettings(preset).map((row) => (
            <tr key={row.key} data-testid={`preflight-obs-${row.key}`}>
              <th scope="row">{t(`preflight.obs.rows.${row.key}`)}</th>
              <td>
                <code id={`obs-${row.key}`}>{row.value}</code>
              </td>
              <td>
                <button type="button" className="btn btn-sm btn-ghost" onClick={() => void copy(row.key, row.value, document.getElementById(`obs-${row.key}`))} aria-label={`${t('preflight.obs.copy')} ${t(`preflight.obs.rows.${row.key}`)}`}>
                  {copied?.key === row.key ? (copied.ok ? t('preflight.obs.copied') : t('preflight.obs.copyManual')) : t('preflight.obs.copy')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">{t('preflight.obs.range', { min: range.minKbps, max: range.maxKbps })}</p>
    </section>
  );
}
