import type { ReactNode } from 'react';
import type { Annotation, ProductFigures, SourceFigures, SurveyComment } from './report-types';
import type { ReportText } from './use-report-text';

export interface Column<T> {
  label: string;
  num?: boolean;
  cell: (row: T) => ReactNode;
}

/** A report table: scrolls sideways inside its card on narrow screens, every value as text. */
export function ReportTable<T>({ columns, rows, rowKey, testId, empty, caption, nameColumn = 0 }: { columns: Column<T>[]; rows: readonly T[]; rowKey: (row: T, i: number) => string; testId: string; empty: string; caption: string; /** The column of names (wraps; the others do not). */ nameColumn?: number }) {
  if (rows.length === 0) return <p className="muted report-empty" data-testid={`${testId}-empty`}>{empty}</p>;
  return (
    <div className="report-table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table className="data-table report-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col" className={c.num ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={rowKey(row, i)}>
              {columns.map((c, j) => (
                <td key={j} className={c.num ? 'num' : j === nameColumn ? 'report-cell-name' : undefined}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function productColumns(x: ReportText): Column<ProductFigures>[] {
  const { A, count, pct, money, duration } = x;
  return [
    { label: A.column.product, cell: (p) => p.name },
    { label: A.column.explanation, num: true, cell: (p) => (p.explanationMs > 0 ? duration(p.explanationMs) : '—') },
    { label: A.column.impressions, num: true, cell: (p) => count(p.impressions) },
    { label: A.column.clicks, num: true, cell: (p) => count(p.clicks) },
    { label: A.column.clickThrough, num: true, cell: (p) => pct(p.clickThrough) },
    { label: A.column.orders, num: true, cell: (p) => count(p.orders) },
    { label: A.column.units, num: true, cell: (p) => count(p.units) },
    { label: A.column.gmv, num: true, cell: (p) => money(p.gmvFen) },
    { label: A.column.buyers, num: true, cell: (p) => count(p.buyers) },
    { label: A.column.conversion, num: true, cell: (p) => pct(p.conversion) },
    { label: A.column.refunded, num: true, cell: (p) => (p.refundedFen > 0 ? money(p.refundedFen) : '—') },
  ];
}

export function sourceColumns(x: ReportText): Column<SourceFigures>[] {
  const { A, count, pct, money, duration } = x;
  return [
    { label: A.column.source, cell: (s) => <span title={s.source}>{x.source(s.source)}</span> },
    { label: A.column.viewers, num: true, cell: (s) => count(s.viewers) },
    { label: A.column.share, num: true, cell: (s) => pct(s.share) },
    { label: A.column.avgWatch, num: true, cell: (s) => duration(s.avgWatchMs) },
    { label: A.column.buyers, num: true, cell: (s) => count(s.buyers) },
    { label: A.column.gmv, num: true, cell: (s) => money(s.gmvFen) },
    { label: A.column.conversion, num: true, cell: (s) => pct(s.conversion) },
  ];
}

export function timelineColumns(x: ReportText): Column<Annotation>[] {
  const { A, count, money } = x;
  const kindName = (a: Annotation) => (a.kind === 'segment' ? `${A.annotation.segment} · ${(A.segmentKind as Record<string, string>)[a.subtype] ?? a.subtype}` : a.kind === 'tool' ? `${A.annotation.tool} · ${(A.toolKind as Record<string, string>)[a.subtype] ?? a.subtype}` : A.annotation[a.kind]);
  return [
    { label: A.column.kind, cell: (a) => <span className={`report-kind report-kind-${a.kind}`}>{kindName(a)}</span> },
    { label: A.column.title, cell: (a) => a.title },
    { label: A.column.from, num: true, cell: (a) => count(a.fromMinute) },
    { label: A.column.to, num: true, cell: (a) => count(a.toMinute) },
    { label: A.column.viewersAtStart, num: true, cell: (a) => count(a.viewersAtStart) },
    { label: A.column.viewersAtEnd, num: true, cell: (a) => count(a.viewersAtEnd) },
    { label: A.column.change, num: true, cell: (a) => <ChangeCell change={a.change} x={x} /> },
    { label: A.column.gmv, num: true, cell: (a) => money(a.gmvFen) },
  ];
}

function ChangeCell({ change, x }: { change: number | null; x: ReportText }) {
  if (change === null) return <>—</>;
  const text = `${change > 0 ? '+' : ''}${x.pct(change)}`;
  return <span className={change < 0 ? 'report-down' : change > 0 ? 'report-up' : undefined}>{text}</span>;
}

/** Survey comments: the viewer's own words, rendered as text (React escapes them). */
export function SurveyComments({ comments, x }: { comments: readonly SurveyComment[]; x: ReportText }) {
  if (comments.length === 0) return <p className="muted report-empty" data-testid="survey-comments-empty">{x.t('analyticsReport.survey.noComments')}</p>;
  const when = new Intl.DateTimeFormat(x.lang, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <ul className="report-comments" data-testid="survey-comments">
      {comments.map((c, i) => (
        <li key={`${c.at}-${String(i)}`} className="report-comment">
          <p className="report-comment-text">{c.comment}</p>
          <p className="muted small report-comment-meta">
            {c.csat !== null && <span>CSAT {c.csat}/5</span>}
            {c.nps !== null && <span>NPS {c.nps}/10</span>}
            <time dateTime={c.at}>{Number.isNaN(Date.parse(c.at)) ? c.at : when.format(new Date(c.at))}</time>
          </p>
        </li>
      ))}
    </ul>
  );
}
