import { useCallback, useEffect, useRef, useState } from 'react';
import { isApiError } from '../../../api/api-client';
import { describeError } from '../../../api/describe-error';
import { reportApi, reportLangOf } from './report-api';
import type { ExportFormat, ExportJob, ExportTable, ReportTraffic } from './report-types';
import type { ReportText } from './use-report-text';

const POLL_MS = 500;
export const CSV_TABLES: readonly ExportTable[] = ['kpis', 'minutes', 'products', 'sources', 'segments', 'survey', 'hints'];

export interface ExportState {
  /** The job being prepared (or the last one), with what it is of. */
  job: ExportJob | null;
  what: string | null;
  error: string | null;
  busy: boolean;
}

/** Starts an export job, polls it every 500 ms, then downloads the file. One job at a time. */
export function useExportJob(sessionId: string, traffic: ReportTraffic, x: ReportText) {
  const [state, setState] = useState<ExportState>({ job: null, what: null, error: null, busy: false });
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => { alive.current = false; };
  }, []);

  const describe = useCallback(
    (error: unknown) => {
      if (isApiError(error) && error.code === 'PDF_UNAVAILABLE') return x.t('analyticsReport.export.pdfUnavailable');
      return x.t('analyticsReport.export.failed', { error: describeError(x.t, error) });
    },
    [x],
  );

  const run = useCallback(
    async (format: ExportFormat, what: string, table?: ExportTable) => {
      setState({ job: null, what, error: null, busy: true });
      try {
        let job = await reportApi.createExport(sessionId, { format, table, traffic, lang: reportLangOf(x.lang) });
        while (alive.current && (job.status === 'queued' || job.status === 'running')) {
          setState((s) => ({ ...s, job }));
          await new Promise((r) => setTimeout(r, POLL_MS));
          job = await reportApi.exportJob(sessionId, job.id);
        }
        if (!alive.current) return;
        if (job.status === 'failed' || !job.downloadUrl) {
          const reason = job.error ?? '';
          setState({ job, what, busy: false, error: /chromium|pdf_unavailable/i.test(reason) && format === 'pdf' ? x.t('analyticsReport.export.pdfUnavailable') : x.t('analyticsReport.export.failed', { error: reason || '?' }) });
          return;
        }
        download(job.downloadUrl, job.fileName);
        setState({ job, what, busy: false, error: null });
      } catch (error) {
        if (alive.current) setState((s) => ({ ...s, busy: false, error: describe(error) }));
      }
    },
    [sessionId, traffic, x, describe],
  );

  const dismiss = useCallback(() => { setState((s) => ({ ...s, error: null, job: s.busy ? s.job : null })); }, []);
  return { state, run, dismiss };
}

function download(url: string, fileName: string | null): void {
  const a = document.createElement('a');
  a.href = url;
  if (fileName) a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Printable report (new tab), PDF and CSV of any table, with the job's progress and errors. */
export function ExportBar({ sessionId, traffic, x, exporter }: { sessionId: string; traffic: ReportTraffic; x: ReportText; exporter: ReturnType<typeof useExportJob> }) {
  const { t } = x;
  const [table, setTable] = useState<ExportTable>('products');
  const { state, run, dismiss } = exporter;
  const tableName = (k: ExportTable) => t(`analyticsReport.export.table.${k}`);
  return (
    <div className="report-export" data-testid="report-export">
      <div className="report-export-row">
        <span className="report-export-title">{t('analyticsReport.export.title')}</span>
        <a className="btn btn-sm" href={reportApi.printUrl(sessionId, traffic, reportLangOf(x.lang))} target="_blank" rel="noopener noreferrer" data-testid="report-print-link">
          {t('analyticsReport.export.printable')}
        </a>
        <button type="button" className="btn btn-sm" disabled={state.busy} onClick={() => void run('pdf', 'PDF')} data-testid="report-pdf">
          {t('analyticsReport.export.pdf')}
        </button>
        <span className="report-export-csv">
          <select aria-label={t('analyticsReport.export.csvTable')} value={table} onChange={(e) => { setTable(e.target.value as ExportTable); }} data-testid="report-csv-table">
            {CSV_TABLES.map((k) => (
              <option key={k} value={k}>
                {tableName(k)}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn-sm" disabled={state.busy} onClick={() => void run('csv', `CSV · ${tableName(table)}`, table)} data-testid="report-csv">
            {t('analyticsReport.export.csv')}
          </button>
        </span>
      </div>
      <ExportStatus state={state} x={x} onDismiss={dismiss} />
    </div>
  );
}

function ExportStatus({ state, x, onDismiss }: { state: ExportState; x: ReportText; onDismiss: () => void }) {
  if (state.error) {
    return (
      <div className="banner banner-error report-export-status" role="alert" data-testid="report-export-error">
        <span>{state.error}</span>
        <button type="button" className="btn btn-ghost btn-sm" onClick={onDismiss}>
          {x.t('common.close')}
        </button>
      </div>
    );
  }
  if (state.busy) {
    const progress = state.job?.progress ?? 0;
    return (
      <div className="report-export-status" role="status" data-testid="report-export-progress">
        <span>{x.t('analyticsReport.export.running', { format: state.what ?? '', pct: x.pct(progress) })}</span>
        <ProgressBar value={progress} label={state.what ?? ''} />
      </div>
    );
  }
  if (state.job?.status === 'done') {
    return (
      <div className="report-export-status muted" role="status" data-testid="report-export-done">
        {x.t('analyticsReport.export.done', { file: state.job.fileName ?? state.what ?? '' })}
      </div>
    );
  }
  return null;
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  const v = Math.max(0, Math.min(1, value));
  return (
    <div className="report-progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(v * 100)}>
      <div className="report-progress-fill" style={{ width: `${String(Math.round(v * 100))}%` }} />
    </div>
  );
}

/** A small button that exports one table as CSV (the tables' headers). */
export function CsvButton({ table, x, exporter }: { table: ExportTable; x: ReportText; exporter: ReturnType<typeof useExportJob> }) {
  const name = x.t(`analyticsReport.export.table.${table}`);
  return (
    <button type="button" className="btn btn-ghost btn-sm" disabled={exporter.state.busy} onClick={() => void exporter.run('csv', `CSV · ${name}`, table)} aria-label={x.t('analyticsReport.table.downloadCsv', { table: name })} data-testid={`csv-${table}`}>
      {x.t('analyticsReport.table.csv')}
    </button>
  );
}
