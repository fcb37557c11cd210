import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** The frame every tool widget shares: a tag, a title line, a live/ended tone and an optional close. */
export function ToolCard({
  kind,
  tag,
  title,
  meta,
  ended = false,
  onDismiss,
  testId,
  children,
}: {
  kind: 'poll' | 'draw' | 'quiz';
  tag: string;
  title: string;
  meta?: ReactNode;
  ended?: boolean;
  onDismiss?: (() => void) | undefined;
  testId: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <section className={`tool-card tool-${kind}${ended ? ' tool-ended' : ''}`} data-testid={testId} aria-label={`${tag}: ${title}`}>
      <header className="tool-head">
        <span className="tool-tag">{tag}</span>
        <h3 className="tool-title">{title}</h3>
        {meta && <span className="tool-meta">{meta}</span>}
        {onDismiss && (
          <button type="button" className="tool-dismiss" aria-label={t('interactViewer.close')} onClick={onDismiss}>
            ×
          </button>
        )}
      </header>
      {children}
    </section>
  );
}

/** A request's error line under a widget. */
export function ToolError({ message, testId }: { message: string | null; testId: string }) {
  if (!message) return null;
  return (
    <p className="tool-error" role="alert" data-testid={testId}>
      {message}
    </p>
  );
}
