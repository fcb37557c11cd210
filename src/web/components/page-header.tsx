import type { ReactNode } from 'react';

/** Title and subtitle of a console page; `children` (e.g. an "add" button) go on the right. */
export function PageHeader({ title, subtitle, children }: { title: string; subtitle: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        <p className="muted">{subtitle}</p>
      </div>
      {children}
    </header>
  );
}
