import { useState, type ReactNode } from 'react';

/** One group of a tool tab ("Live now", "Prepared", "Ended") with its count and empty line. */
export function ToolSection({ title, count, empty, testId, collapsible = false, children }: { title: string; count: number; empty?: string; testId: string; collapsible?: boolean; children: ReactNode }) {
  const [shown, setShown] = useState(!collapsible);
  if (count === 0 && !empty) return null;
  return (
    <section className="ic-section" data-testid={testId}>
      <h3 className="ic-section-title">
        {collapsible ? (
          <button type="button" className="ic-section-toggle" aria-expanded={shown} onClick={() => { setShown((s) => !s); }}>
            <span aria-hidden="true">{shown ? '▾' : '▸'}</span> {title}
          </button>
        ) : (
          title
        )}
        {count > 0 && <span className="ic-count">{count}</span>}
      </h3>
      {count === 0 ? <p className="muted small ic-empty">{empty}</p> : shown && <div className="ic-list">{children}</div>}
    </section>
  );
}
