import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionStatus } from '../api/api-types';
import { catalogApi, type ConsoleShelf } from '../api/catalog-api';
import { describeError } from '../api/describe-error';
import { useAuth } from '../auth/auth-context';
import { ErrorState, LoadingState } from '../components/page-states';
import { formatFen } from '../format/money-format';
import { useApiResource } from '../hooks/use-api-resource';
import { formatSeconds, ProductThumb } from './shelf-bits';
import '../styles/shelf.css';

type ShelfItem = ConsoleShelf['items'][number];
interface Draft {
  productId: string;
  title: string;
  image: string | null;
  minPriceFen: number | null;
  stock: number;
  archived: boolean;
}

const EDITABLE: readonly SessionStatus[] = ['draft', 'scheduled', 'live'];

/** The session's shelf (products offered, in order): add, remove, reorder, save. Plus the explanation report. */
export function SessionShelfPanel({ sessionId, status, onSaved }: { sessionId: string; status: SessionStatus; onSaved: (message: string) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const { can } = useAuth();
  const canEdit = can('shelf:write') && EDITABLE.includes(status);
  const shelf = useApiResource((signal) => catalogApi.getShelf(sessionId, signal), [sessionId]);
  const products = useApiResource((signal) => (canEdit && can('catalog:read') ? catalogApi.listProducts({ status: 'active' }, signal) : Promise.resolve({ items: [] })), [canEdit, can]);
  const [draft, setDraft] = useState<Draft[] | null>(null);
  const [pick, setPick] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const loaded = shelf.data;
  useEffect(() => {
    if (loaded) setDraft(loaded.items.map(toDraft));
  }, [loaded]);

  if (shelf.loading && !draft) return <section className="card detail-card"><LoadingState /></section>;
  if (!loaded || !draft) return <section className="card detail-card"><ErrorState error={shelf.error} onRetry={shelf.reload} /></section>;

  const onShelf = new Set(draft.map((d) => d.productId));
  const addable = (products.data?.items ?? []).filter((p) => !onShelf.has(p.id));
  const dirty = draft.map((d) => d.productId).join() !== loaded.items.map((i) => i.productId).join();
  const move = (i: number, by: number) => {
    setDraft((d) => {
      if (!d) return d;
      const next = [...d];
      const [item] = next.splice(i, 1);
      next.splice(i + by, 0, item!);
      return next;
    });
  };
  const add = () => {
    const p = addable.find((x) => x.id === pick);
    if (!p) return;
    const prices = p.skus.map((s) => s.priceFen);
    setDraft((d) => [...(d ?? []), { productId: p.id, title: p.title, image: p.images[0] ?? null, minPriceFen: prices.length ? Math.min(...prices) : null, stock: p.skus.reduce((n, s) => n + s.stock, 0), archived: false }]);
    setPick('');
  };
  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const saved = await catalogApi.setShelf(sessionId, draft.map((d) => d.productId));
      shelf.setData(() => saved);
      onSaved(t('shelf.editor.saved', { count: saved.items.length }));
    } catch (err) {
      setError(describeError(t, err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="card detail-card shelf-panel" data-testid="shelf-editor" aria-labelledby="shelf-editor-title">
      <div className="detail-card-head">
        <h2 id="shelf-editor-title" className="card-title">
          {t('shelf.editor.title')}
        </h2>
        <span className="count-pill">{draft.length}</span>
      </div>
      <p className="muted small">{canEdit ? t('shelf.editor.hint') : can('shelf:write') ? t('shelf.editor.closed') : t('shelf.editor.readOnly')}</p>
      {draft.length === 0 ? (
        <p className="muted shelf-empty" data-testid="shelf-empty">
          {t('shelf.editor.empty')}
        </p>
      ) : (
        <ol className="shelf-list">
          {draft.map((d, i) => (
            <li key={d.productId} className="shelf-item" data-testid="shelf-item" data-product-id={d.productId}>
              <span className="shelf-pos">{i + 1}</span>
              <ProductThumb image={d.image} title={d.title} />
              <div className="shelf-item-text">
                <span className="shelf-item-title">
                  {loaded.pinned?.productId === d.productId && <span className="badge badge-live explain-badge">{t('shelf.explain.now')}</span>}
                  {d.archived && <span className="badge badge-archived">{t('shelf.catalog.archived')}</span>}
                  {d.title}
                </span>
                <span className="muted small">
                  {d.minPriceFen !== null && t('shelf.editor.from', { price: formatFen(d.minPriceFen, lang) })} · {t('shelf.editor.stock', { count: d.stock })}
                </span>
              </div>
              {canEdit && (
                <span className="shelf-item-actions">
                  <button type="button" className="btn btn-icon" aria-label={t('shelf.editor.up', { title: d.title })} disabled={i === 0} onClick={() => { move(i, -1); }}>
                    ↑
                  </button>
                  <button type="button" className="btn btn-icon" aria-label={t('shelf.editor.down', { title: d.title })} disabled={i === draft.length - 1} onClick={() => { move(i, 1); }}>
                    ↓
                  </button>
                  <button type="button" className="btn btn-icon" data-testid="shelf-remove" aria-label={t('shelf.editor.remove', { title: d.title })} onClick={() => { setDraft(draft.filter((x) => x.productId !== d.productId)); }}>
                    ✕
                  </button>
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
      {canEdit && (
        <div className="shelf-add">
          <label className="visually-hidden" htmlFor="shelf-add-select">
            {t('shelf.editor.addLabel')}
          </label>
          <select id="shelf-add-select" data-testid="shelf-add-select" value={pick} onChange={(e) => { setPick(e.target.value); }}>
            <option value="">{addable.length ? t('shelf.editor.choose') : t('shelf.editor.allAdded')}</option>
            {addable.map((p) => (
              <option key={p.id} value={p.id}>
                {p.title}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn-sm" data-testid="shelf-add" disabled={!pick} onClick={add}>
            {t('shelf.editor.add')}
          </button>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="shelf-error">
          {error}
        </p>
      )}
      {canEdit && (
        <div className="form-actions">
          {dirty && (
            <button type="button" className="btn btn-ghost" onClick={() => { setDraft(loaded.items.map(toDraft)); }}>
              {t('shelf.editor.reset')}
            </button>
          )}
          <button type="button" className="btn btn-primary" data-testid="shelf-save" disabled={!dirty || saving} onClick={() => void save()}>
            {saving ? t('shelf.common.saving') : t('shelf.editor.save')}
          </button>
        </div>
      )}
      {(status === 'live' || status === 'ended' || status === 'archived') && <ExplanationReport sessionId={sessionId} />}
    </section>
  );
}

function toDraft(i: ShelfItem): Draft {
  return { productId: i.productId, title: i.title, image: i.image, minPriceFen: i.minPriceFen, stock: i.stock, archived: i.archived };
}

/** When each product was explained and for how long (analytics). */
function ExplanationReport({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const report = useApiResource((signal) => catalogApi.explanations(sessionId, signal), [sessionId]);
  const totals = report.data?.totals ?? [];
  if (totals.length === 0) return null;
  return (
    <div className="explain-report" data-testid="explain-report">
      <h3 className="small">{t('shelf.report.title')}</h3>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t('shelf.report.product')}</th>
            <th scope="col" className="num">
              {t('shelf.report.times')}
            </th>
            <th scope="col" className="num">
              {t('shelf.report.duration')}
            </th>
          </tr>
        </thead>
        <tbody>
          {totals.map((row) => (
            <tr key={row.productId}>
              <td>{row.title}</td>
              <td className="num">{row.times}</td>
              <td className="num">{formatSeconds(row.seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
