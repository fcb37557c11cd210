import { useTranslation } from 'react-i18next';

export function LoadMore({
  hasMore,
  loading,
  error,
  onLoadMore,
  testId,
  endLabel,
}: {
  hasMore: boolean;
  loading: boolean;
  error: string | null;
  onLoadMore: () => void;
  testId: string;
  endLabel?: string;
}) {
  const { t } = useTranslation();
  if (!hasMore) return endLabel ? <p className="list-end muted">{endLabel}</p> : null;
  return (
    <div className="load-more">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="button" className="btn" data-testid={testId} disabled={loading} onClick={onLoadMore}>
        {loading ? t('common.loadingMore') : t('common.loadMore')}
      </button>
    </div>
  );
}
