import { useTranslation } from 'react-i18next';
import { describeError } from '../api/describe-error';
import type { PagedResource } from '../hooks/use-paged-resource';

/**
 * The "load more" button under a paged list (hidden while the first page loads
 * or failed), or `endLabel` once the last page is in.
 */
export function LoadMore<T>({
  resource,
  testId,
  endLabel,
}: {
  resource: PagedResource<T>;
  testId: string;
  endLabel?: string;
}) {
  const { t } = useTranslation();
  if (resource.loading || resource.error) return null;
  if (resource.nextCursor === null) return endLabel ? <p className="list-end muted">{endLabel}</p> : null;
  return (
    <div className="load-more">
      {resource.loadMoreError ? (
        <p className="form-error" role="alert">
          {describeError(t, resource.loadMoreError)}
        </p>
      ) : null}
      <button type="button" className="btn" data-testid={testId} disabled={resource.loadingMore} onClick={resource.loadMore}>
        {resource.loadingMore ? t('common.loadingMore') : t('common.loadMore')}
      </button>
    </div>
  );
}
