import { useTranslation } from 'react-i18next';
import { consoleApi } from '../api/console-api';
import { DemoBadge } from '../components/badges';
import { PageHeader } from '../components/page-header';
import { EmptyState, ListStates } from '../components/page-states';
import { formatCount, formatFen } from '../format/money-format';
import { useApiResource } from '../hooks/use-api-resource';

export function ProductsPage() {
  const { t, i18n } = useTranslation();
  const products = useApiResource((signal) => consoleApi.listProducts(signal), []);
  const lang = i18n.resolvedLanguage ?? 'en';

  return (
    <section className="page">
      <PageHeader title={t('products.title')} subtitle={t('products.subtitle')} />

      <ListStates resource={products} items={products.data?.items} empty={<EmptyState title={t('products.empty')} />}>
        {(items) => (
          <div className="product-grid" data-testid="products-list">
            {items.map((product) => (
              <article key={product.id} className="card product-card" data-testid="product-card">
                <header className="product-header">
                  <div>
                    <h2 className="product-title">{product.title}</h2>
                    <p className="product-meta muted">
                      <span>{t('products.categoryValue', { value: product.category })}</span>
                      {product.brandName && (
                        <span>{t('products.brandValue', { value: product.brandName })}</span>
                      )}
                      <span>{t('products.skuCount', { count: product.skus.length })}</span>
                    </p>
                  </div>
                  {product.isDemo && <DemoBadge />}
                </header>
                {product.skus.length === 0 ? (
                  <p className="muted">{t('products.noSkus')}</p>
                ) : (
                  <table className="data-table sku-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('products.skuName')}</th>
                        <th scope="col">{t('products.skuCode')}</th>
                        <th scope="col" className="num">
                          {t('products.price')}
                        </th>
                        <th scope="col" className="num">
                          {t('products.stock')}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {product.skus.map((sku) => (
                        <tr key={sku.id} data-testid="sku-row">
                          <td>{sku.name}</td>
                          <td>
                            <code>{sku.code}</code>
                          </td>
                          <td className="num" data-testid="sku-price">
                            {formatFen(sku.priceFen, lang, sku.currency)}
                          </td>
                          <td className="num">
                            {sku.stock > 0 ? (
                              formatCount(sku.stock, lang)
                            ) : (
                              <span className="badge badge-warn">{t('products.outOfStock')}</span>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </article>
            ))}
          </div>
        )}
      </ListStates>
    </section>
  );
}
