import { lazy, Suspense, useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { catalogApi, type CatalogSku } from '../api/catalog-api';
import { ModalDialog } from '../components/modal-dialog';
import { ErrorState, LoadingState } from '../components/page-states';
import { formatDateTime } from '../format/date-format';
import { formatFen } from '../format/money-format';
import { useApiResource } from '../hooks/use-api-resource';

const PriceChart = lazy(() => import('./price-chart'));

/** A SKU's price history: chart, the 7-day lowest charged price, and every row newest first. */
export function PriceHistoryDialog({ sku, productTitle, onClose }: { sku: CatalogSku; productTitle: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const history = useApiResource((signal) => catalogApi.priceHistory(sku.id, signal), [sku.id]);
  const formatPrice = useCallback((fen: number) => formatFen(fen, lang), [lang]);
  const labels = useMemo(() => ({ list: t('shelf.prices.list'), charged: t('shelf.prices.charged') }), [t]);
  const h = history.data;
  return (
    <ModalDialog title={t('shelf.prices.title', { product: productTitle, sku: sku.name })} onClose={onClose} testId="price-history-dialog">
      {history.loading ? (
        <LoadingState />
      ) : !h ? (
        <ErrorState error={history.error} onRetry={history.reload} />
      ) : (
        <div className="price-history">
          <dl className="facts facts-tight price-facts">
            <div>
              <dt>{t('shelf.prices.current')}</dt>
              <dd data-testid="price-current">{formatPrice(h.currentPriceFen)}</dd>
            </div>
            <div>
              <dt>{t('shelf.prices.lowest7d')}</dt>
              <dd data-testid="price-lowest7d">{h.lowestCharged7dFen === null ? t('shelf.prices.noneCharged') : formatPrice(h.lowestCharged7dFen)}</dd>
            </div>
          </dl>
          <p className="muted small">{t('shelf.prices.lowestHint')}</p>
          <Suspense fallback={<div className="price-chart" />}>
            <PriceChart history={h} labels={labels} formatPrice={formatPrice} />
          </Suspense>
          <div className="price-table-wrap">
            <table className="data-table" data-testid="price-table">
              <thead>
                <tr>
                  <th scope="col">{t('shelf.prices.when')}</th>
                  <th scope="col" className="num">
                    {t('shelf.prices.price')}
                  </th>
                  <th scope="col">{t('shelf.prices.kind')}</th>
                </tr>
              </thead>
              <tbody>
                {h.items.map((row) => (
                  <tr key={row.id}>
                    <td>{formatDateTime(row.at, lang)}</td>
                    <td className="num nowrap">{formatPrice(row.priceFen)}</td>
                    <td>
                      <span className={row.kind === 'charged' ? 'badge badge-ok' : 'badge badge-muted'}>{row.kind === 'charged' ? t('shelf.prices.charged') : t('shelf.prices.list')}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </ModalDialog>
  );
}
