import type { ReactNode } from 'react';

interface DataTableProps {
  testId: string;
  /** Visible column headers, in order. */
  columns: readonly ReactNode[];
  /** Screen-reader name of the last column, which holds each row's buttons. */
  actionsLabel: string;
  /** Extra class on the table, next to `data-table responsive-table`. */
  className?: string;
  /** The rows (`<tr>`s) of the body. */
  children: ReactNode;
}

/** A console list table: in a card, turning into one card per row on phones. */
export function DataTable({ testId, columns, actionsLabel, className, children }: DataTableProps) {
  return (
    <div className="card table-card">
      <table className={['data-table responsive-table', className].filter(Boolean).join(' ')} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((label, i) => (
              <th key={i} scope="col">
                {label}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">{actionsLabel}</span>
            </th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** How many cells a full-width row (an editor or details row under a row) has to span. */
export function dataTableColumnCount(columns: readonly ReactNode[]): number {
  return columns.length + 1;
}
