import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/api-client';
import { describeError, type ErrorAudience } from '../api/describe-error';

export function LoadingState({ label, fullPage = false }: { label?: string; fullPage?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className={fullPage ? 'state state-full' : 'state'} role="status" aria-live="polite" data-testid="loading-state">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

export function ErrorState({
  error,
  audience,
  onRetry,
}: {
  error: unknown;
  audience?: ErrorAudience;
  onRetry?: () => void;
}) {
  const { t } = useTranslation();
  // Server faults are logged under the request id; showing it lets an operator find the entry.
  const requestId = isApiError(error) && error.status >= 500 ? error.requestId : null;
  return (
    <div className="state state-error" role="alert" data-testid="error-state">
      <p>{describeError(t, error, audience)}</p>
      {requestId && <p className="muted small">{t('common.requestId', { id: requestId })}</p>}
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, hint, children }: { title: string; hint?: string; children?: ReactNode }) {
  return (
    <div className="state state-empty" data-testid="empty-state">
      <p className="state-title">{title}</p>
      {hint && <p className="muted">{hint}</p>}
      {children}
    </div>
  );
}

interface ListStatesProps<T> {
  /** The hook's state; `reload` backs the retry button. */
  resource: { loading: boolean; error: unknown; reload: () => void };
  /** The loaded list; null or undefined (nothing loaded) counts as an error. */
  items: readonly T[] | null | undefined;
  empty: ReactNode;
  children: (items: readonly T[]) => ReactNode;
}

/** Loading, error and empty states of a page's list, or the list itself once there is one. */
export function ListStates<T>({ resource, items, empty, children }: ListStatesProps<T>) {
  if (resource.loading) return <LoadingState />;
  if (resource.error || !items) return <ErrorState error={resource.error} onRetry={resource.reload} />;
  if (items.length === 0) return <>{empty}</>;
  return <>{children(items)}</>;
}

/** A card that stands in for a whole page: no access, not found. */
export function StateCard({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <div className="card state-card" data-testid={testId}>
      <h1 className="state-title">{title}</h1>
      {children}
    </div>
  );
}
