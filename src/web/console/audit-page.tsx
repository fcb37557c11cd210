import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../api/api-types';
import { consoleApi } from '../api/console-api';
import { DataTable, dataTableColumnCount } from '../components/data-table';
import { LoadMore } from '../components/load-more';
import { PageHeader } from '../components/page-header';
import { EmptyState, ListStates } from '../components/page-states';
import { formatDateTime } from '../format/date-format';
import { usePagedResource } from '../hooks/use-paged-resource';

const PAGE_SIZE = 50;

/** Snapshots are arbitrary JSON from the server; they are only ever shown as text. */
function snapshotText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    // Only reachable for values JSON can't express (cycles, BigInt), which the API never sends.
    return null;
  }
}

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const audit = usePagedResource(
    (cursor, signal) => consoleApi.listAudit({ limit: PAGE_SIZE, cursor }, signal),
    [],
  );
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const lang = i18n.resolvedLanguage ?? 'en';
  const columns = [t('audit.time'), t('audit.actor'), t('audit.action'), t('audit.target')];

  const toggle = (id: string) => { setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    }); };

  const target = (entry: AuditEntry) =>
    [entry.targetType, entry.targetId].filter((part): part is string => Boolean(part)).join(' · ') || t('common.none');

  return (
    <section className="page">
      <PageHeader title={t('audit.title')} subtitle={t('audit.subtitle')} />

      <ListStates resource={audit} items={audit.items} empty={<EmptyState title={t('audit.empty')} />}>
        {(items) => (
          <DataTable testId="audit-list" className="audit-table" columns={columns} actionsLabel={t('audit.showDetails')}>
            {items.map((entry) => {
              const open = expanded.has(entry.id);
              const detailsId = `audit-details-${entry.id}`;
              return (
                <Fragment key={entry.id}>
                  <tr data-testid="audit-row" data-audit-id={entry.id}>
                    <td data-label={t('audit.time')}>
                      <time dateTime={entry.at}>{formatDateTime(entry.at, lang) ?? entry.at}</time>
                    </td>
                    <td data-label={t('audit.actor')}>
                      <span className="row-title">{entry.actorName ?? entry.actorId ?? t('common.none')}</span>
                      <span className="row-meta muted">{entry.actorKind}</span>
                    </td>
                    <td data-label={t('audit.action')}>
                      <code>{entry.action}</code>
                    </td>
                    <td data-label={t('audit.target')} className="cell-break">
                      {target(entry)}
                    </td>
                    <td className="cell-actions">
                      <button
                        type="button"
                        className="btn btn-sm btn-ghost"
                        data-testid="audit-toggle"
                        aria-expanded={open}
                        aria-controls={detailsId}
                        onClick={() => { toggle(entry.id); }}
                      >
                        {open ? t('audit.hideDetails') : t('audit.showDetails')}
                      </button>
                    </td>
                  </tr>
                  {open && (
                    <tr className="row-editor" id={detailsId}>
                      <td colSpan={dataTableColumnCount(columns)}>
                        <div className="audit-details" data-testid="audit-details">
                          <Snapshot label={t('audit.before')} value={entry.before} testId="audit-before" />
                          <Snapshot label={t('audit.after')} value={entry.after} testId="audit-after" />
                        </div>
                        {entry.requestId && (
                          <p className="muted small">
                            {t('audit.requestId')}: <code>{entry.requestId}</code>
                          </p>
                        )}
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </DataTable>
        )}
      </ListStates>

      {audit.items.length > 0 && <LoadMore resource={audit} testId="audit-load-more" endLabel={t('audit.end')} />}
    </section>
  );
}

function Snapshot({ label, value, testId }: { label: string; value: unknown; testId: string }) {
  const { t } = useTranslation();
  const text = snapshotText(value);
  return (
    <div className="snapshot">
      <h3 className="snapshot-label">{label}</h3>
      <pre className="snapshot-json" data-testid={testId}>
        {text ?? t('audit.noValue')}
      </pre>
    </div>
  );
}
