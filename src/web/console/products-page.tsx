import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { catalogApi, type CatalogProduct, type CatalogSku, type ProductStatusFilter } from '../api/catalog-api';
import { useAuth } from '../auth/auth-context';
import { DemoBadge } from '../components/badges';
import { Notice } from '../components/notice';
import { PageHeader } from '../components/page-header';
import { EmptyState, ListStates } from '../components/page-states';
import { formatCount, formatFen } from '../format/money-format';
import { useApiResource } from '../hooks/use-api-resource';
import { useNotice } from '../hooks/use-notice';
import { PriceHistoryDialog } from './price-history-dialog';
import { ProductFormDialog } from './product-form';
import '../styles/shelf.css';

const STATUSES: readonly ProductStatusFilter[] = ['active', 'archived', 'all'];

/** `/console/products`: search, create and edit products and SKUs, and each SKU's price history. */
export function ProductsPage() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const canWrite = can('catalog:write');
  const lang = i18n.resolvedLanguage ?? 'en';
  const [query, setQuery] = useState('');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<ProductStatusFilter>('active');
  const products = useApiResource((signal) => catalogApi.listProducts({ q, status }, signal), [q, status]);
  const brands = useApiResource((signal) => catalogApi.listBrands(signal), []);
  const [editing, setEditing] = useState<CatalogProduct | 'new' | null>(null);
  const [history, setHistory] = useState<{ sku: CatalogSku; title: string } | null>(null);
  const [notice, showNotice, dismissNotice] = useNotice();

  return (
    <section className="page" data-testid="products-page">
      <PageHeader title={t('products.title')} subtitle={t('products.subtitle')}>
        {canWrite && (
          <button type="button" className="btn btn-primary" data-testid="product-new" onClick={() => { setEditing('new'); }}>
            + {t('shelf.catalog.new')}
          </button>
        )}
      </PageHeader>
      <Notice message={notice} onDismiss={dismissNotice} />

      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(query.trim());
        }}
      >
        <input
          type="search"
          data-testid="product-search"
          aria-label={t('shelf.catalog.search')}
          placeholder={t('shelf.catalog.searchPlaceholder')}
          value={query}
          maxLength={100}
          onChange={(e) => {
            setQuery(e.target.value);
            if (e.target.value === '') setQ('');
          }}
        />
        <button type="submit" className="btn">
          {t('shelf.catalog.search')}
        </button>
        <div className="chip-row" role="group" aria-label={t('shelf.catalog.statusFilter')}>
          {STATUSES.map((s) => (
            <button key={s} type="button" className={`chip-button${status === s ? ' chip-button-on' : ''}`} aria-pressed={status === s} onClick={() => { setStatus(s); }}>
              {t(`shelf.catalog.status.${s}`)}
            </button>
          ))}
        </div>
      </form>

      <ListStates resource={products} items={products.data?.items} empty={<EmptyState title={q ? t('shelf.catalog.noMatch', { q }) : t('products.empty')} />}>
        {(items) => (
          <div className="product-grid" data-testid="products-list">
            {items.map((product) => (
              <article key={product.id} className="card product-card" data-testid="product-card" data-product-id={product.id}>
                <header className="product-header">
                  {product.images[0] ? <img className="product-thumb" src={product.images[0]} alt="" loading="lazy" /> : <div className="product-thumb product-thumb-empty" aria-hidden="true">{product.title.slice(0, 1)}</div>}
                  <div className="product-header-text">
                    <h2 className="product-title">{product.title}</h2>
                    <p className="product-meta muted">
                      {product.category && <span>{t('products.categoryValue', { value: product.category })}</span>}
                      {product.brandName && <span>{t('products.brandValue', { value: product.brandName })}</span>}
                      <span>{t('products.skuCount', { count: product.skus.length })}</span>
                    </p>
                    {product.tags.length > 0 && (
                      <p className="chips">
                        {product.tags.map((tag) => (
                          <span key={tag} className="chip">
                            {tag}
                          </span>
                        ))}
                      </p>
                    )}
                  </div>
                  <div className="product-badges">
                    {product.archived && <span className="badge badge-archived">{t('shelf.catalog.archived')}</span>}
                    {product.isDemo && <DemoBadge />}
                    {canWrite && (
                      <button type="button" className="btn btn-sm" data-testid="product-edit" onClick={() => { setEditing(product); }}>
                        {t('shelf.catalog.edit')}
                      </button>
                    )}
                  </div>
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
                        <th scope="col">
                          <span className="visually-hidden">{t('shelf.prices.open')}</span>
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
                          <td className="num">{sku.stock > 0 ? formatCount(sku.stock, lang) : <span className="badge badge-warn">{t('products.outOfStock')}</span>}</td>
                          <td className="cell-actions">
                            <button type="button" className="btn btn-ghost btn-sm" data-testid="sku-prices" onClick={() => { setHistory({ sku, title: product.title }); }}>
                              {t('shelf.prices.open')}
                            </button>
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

      {editing && (
        <ProductFormDialog
          key={editing === 'new' ? 'new' : `${editing.id}/${editing.updatedAt}`}
          product={editing === 'new' ? undefined : editing}
          brands={brands.data?.items ?? []}
          onClose={() => { setEditing(null); }}
          onSaved={(saved, created) => {
            setEditing(null);
            showNotice(created ? t('shelf.catalog.created', { title: saved.title }) : t('shelf.catalog.saved', { title: saved.title }));
            products.reload();
          }}
        />
      )}
      {history && <PriceHistoryDialog sku={history.sku} productTitle={history.title} onClose={() => { setHistory(null); }} />}
    </section>
  );
}
