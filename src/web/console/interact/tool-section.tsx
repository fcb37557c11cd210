import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

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

/** A tool tab's stages: live now, prepared (then the form that prepares one), and ended when there are any. */
export function ToolStages<T extends { id: string }>(props: {
  live: readonly T[];
  prepared: readonly T[];
  ended: readonly T[];
  emptyLive: string;
  emptyPrepared: string;
  /** data-testid of the live, prepared and ended sections. */
  testIds: readonly [string, string, string];
  endedCollapsible?: boolean;
  /** The form that prepares a new one (only for those who may). */
  form: ReactNode;
  render: (item: T) => ReactNode;
}) {
  const { live, prepared, ended, testIds, render } = props;
  // Titles come from the caller's translations of the three stage names.
  const titles = useStageTitles();
  return (
    <>
      <ToolSection title={titles.live} empty={props.emptyLive} count={live.length} testId={testIds[0]}>
        {live.map(render)}
      </ToolSection>
      <ToolSection title={titles.prepared} empty={props.emptyPrepared} count={prepared.length} testId={testIds[1]}>
        {prepared.map(render)}
      </ToolSection>
      {props.form}
      {ended.length > 0 && (
        <ToolSection title={titles.ended} count={ended.length} testId={testIds[2]} collapsible={props.endedCollapsible ?? false}>
          {ended.map(render)}
        </ToolSection>
      )}
    </>
  );
}

function useStageTitles() {
  const { t } = useTranslation();
  return { live: t('interactConsole.sections.live'), prepared: t('interactConsole.sections.prepared'), ended: t('interactConsole.sections.ended') };
}

/** The collapsed "+ New …" button that opens a tool's form. */
export function NewToolButton({ label, testId, onOpen }: { label: string; testId: string; onOpen: () => void }) {
  return (
    <div className="ic-new">
      <button type="button" className="btn btn-sm" data-testid={testId} onClick={onOpen}>
        + {label}
      </button>
    </div>
  );
}
