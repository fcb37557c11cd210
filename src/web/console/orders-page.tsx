import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { consoleApi } from '../api/console-api';
import { ORDER_STATUSES, ordersConsoleApi, type ConsoleOrder, type ConsoleOrderStatus } from '../api/orders-console-api';
import { useAuth } from '../auth/auth-context';
import { DataTable } from '../components/data-table';
import { LoadMore } from '../components/load-more';
import { Notice } from '../components/notice';
import { PageHeader } from '../components/page-header';
import { EmptyState, ListStates } from '../components/page-states';
import { formatDateTime } from '../format/date-format';
import { formatFen } from '../format/money-format';
import { useApiResource } from '../hooks/use-api-resource';
import { useNotice } from '../hooks/use-notice';
import { usePagedResource } from '../hooks/use-paged-resource';
import { OrderDetailDrawer, OrderStatusBadge, shortId } from './order-detail-drawer';
import '../styles/orders-console.css';

const PAGE_SIZE = 30;

/** The CSV export of what the list shows (same filters); addresses masked, the export audited. */
function exportHref(f: { status: string; sessionId: string; q: string }): string {
  const qs = new URLSearchParams();
  if (f.status) qs.set('status', f.status);
  if (f.sessionId) qs.set('sessionId', f.sessionId);
  if (f.q) qs.set('q', f.q);
  const s = qs.toString();
  return `/api/console/orders/export${s ? `?${s}` : ''}`;
}

/** What a row says about its lines: the first title and how many more. */
export function itemsSummary(t: (key: string, opts?: Record<string, unknown>) => string, o: ConsoleOrder): string {
  const paidLines = o.lines.filter((l) => !l.isGift);
  const first = paidLines[0] ?? o.lines[0];
  if (!first) return '';
  const rest = o.lines.length - 1;
  return `${first.title} × ${first.quantity}${rest > 0 ? ` ${t('orders.console.andMore', { count: rest })}` : ''}`;
}

/** `/console/orders`: every order with filters; a side panel for one order (lines, price explanation, history, payments, refunds, returns). */
export function OrdersPage() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const lang = i18n.resolvedLanguage ?? 'en';
  const [query, setQuery] = useState('');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<ConsoleOrderStatus | ''>('');
  const [sessionId, setSessionId] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [notice, showNotice, dismissNotice] = useNotice();
  const sessions = useApiResource(
    (signal) => (can('sessions:read') ? consoleApi.listSessions({ limit: 100 }, signal) : Promise.resolve({ items: [], nextCursor: null })),
    [],
  );
  const orders = usePagedResource((cursor, signal) => ordersConsoleApi.list({ status, sessionId, q, limit: PAGE_SIZE, cursor }, signal), [status, sessionId, q]);
  const columns = [t('orders.console.col.order'), t('orders.console.col.buyer'), t('orders.console.col.items'), t('orders.console.col.total'), t('orders.console.col.status'), t('orders.console.col.address')];

  return (
    <section className="page" data-testid="orders-page">
      <PageHeader title={t('orders.console.title')} subtitle={t('orders.console.subtitle')}>
        <a className="btn" data-testid="orders-export" href={exportHref({ status, sessionId, q })} download>
          {t('orders.console.export')}
        </a>
      </PageHeader>
      <Notice message={notice} onDismiss={dismissNotice} />

      <form
        className="toolbar oc-toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(query.trim().slice(0, 64));
        }}
      >
        <input
          type="search"
          data-testid="orders-search"
          aria-label={t('orders.console.search')}
          placeholder={t('orders.console.searchPlaceholder')}
          value={query}
          maxLength={64}
          onChange={(e) => {
            setQuery(e.target.value);
            if (e.target.value === '') setQ('');
          }}
        />
        <select data-testid="orders-status" aria-label={t('orders.console.filterStatus')} value={status} onChange={(e) => { setStatus(e.target.value as ConsoleOrderStatus | ''); }}>
          <option value="">{t('orders.console.allStatuses')}</option>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`orders.console.status.${s}`)}
            </option>
          ))}
        </select>
        {(sessions.data?.items.length ?? 0) > 0 && (
          <select data-testid="orders-session" aria-label={t('orders.console.filterSession')} value={sessionId} onChange={(e) => { setSessionId(e.target.value); }}>
            <option value="">{t('orders.console.allSessions')}</option>
            {sessions.data?.items.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
          </select>
        )}
        <button type="submit" className="btn">
          {t('orders.console.searchButton')}
        </button>
      </form>

      <ListStates resource={orders} items={orders.items} empty={<EmptyState title={t('orders.console.empty')} hint={t('orders.console.emptyHint')} />}>
        {(items) => (
          <DataTable testId="orders-list" className="oc-table" columns={columns} actionsLabel={t('orders.console.details')}>
            {items.map((o) => (
              <tr key={o.id} data-testid="order-row" data-order-id={o.id}>
                <td data-label={t('orders.console.col.order')}>
                  <span className="row-title mono">#{shortId(o.id)}</span>
                  <span className="row-meta muted">
                    <time dateTime={o.createdAt}>{formatDateTime(o.createdAt, lang) ?? o.createdAt}</time>
                  </span>
                </td>
                <td data-label={t('orders.console.col.buyer')} className="oc-nowrap">{o.buyerNickname ?? o.buyerId}</td>
                <td data-label={t('orders.console.col.items')} className="cell-break">
                  {itemsSummary(t, o)}
                </td>
                <td data-label={t('orders.console.col.total')} className="oc-money">
                  {formatFen(o.totalFen, lang)}
                  {o.refundedFen > 0 && <span className="row-meta muted">{t('orders.console.refunded', { amount: formatFen(o.refundedFen, lang) })}</span>}
                </td>
                <td data-label={t('orders.console.col.status')}>
                  <OrderStatusBadge status={o.status} />
                  {o.returns.some((r) => r.status === 'requested') && <span className="badge badge-warn oc-flag">{t('orders.console.returnRequested')}</span>}
                </td>
                <td data-label={t('orders.console.col.address')} className="cell-break muted">
                  {o.addressMasked ?? t('common.none')}
                </td>
                <td className="cell-actions">
                  <button type="button" className="btn btn-sm" data-testid="order-open" onClick={() => { setOpen(o.id); }}>
                    {t('orders.console.details')}
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </ListStates>
      {orders.items.length > 0 && <LoadMore resource={orders} testId="orders-load-more" endLabel={t('orders.console.end')} />}

      {open && (
        <OrderDetailDrawer
          orderId={open}
          onClose={() => { setOpen(null); }}
          onChanged={(message) => {
            showNotice(message);
            orders.reload();
          }}
        />
      )}
    </section>
  );
}
