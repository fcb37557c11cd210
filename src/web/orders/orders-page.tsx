import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { commerceApi } from '../api/commerce-api';
import { EmptyState, ErrorState, LoadingState } from '../components/page-states';
import { toneBadgeClass, type BadgeTone } from '../components/tone-badge';
import { formatDateTime } from '../format/date-format';
import { useApiResource } from '../hooks/use-api-resource';
import { useMoney } from '../viewer/cart/price-explanation';
import { useViewerIdentity } from '../viewer/use-viewer-identity';
import { ViewerAuthPanel } from '../viewer/viewer-auth-panel';
import { ViewerShell } from './viewer-shell';

const ORDER_TONES: Readonly<Record<string, BadgeTone>> = { pending_payment: 'warn', paid: 'ok', delivered: 'ok', shipped: 'info' };

export function OrderStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`${toneBadgeClass(ORDER_TONES, status)} order-status`} data-testid="order-status" data-status={status}>
      {t(`orders.viewer.status.${status}`, { defaultValue: status })}
    </span>
  );
}

/** Signed-in viewers only: the sign-in panel otherwise. */
export function RequireViewer({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { identity, signIn, signUp, signOut } = useViewerIdentity();
  if (identity.kind === 'loading') return <LoadingState />;
  if (identity.kind !== 'viewer') {
    return (
      <div className="checkout-signin" data-testid="orders-signin">
        <p>{t('orders.viewer.signInForOrders')}</p>
        <ViewerAuthPanel identity={identity} onSignIn={signIn} onSignUp={signUp} onSignOut={signOut} />
      </div>
    );
  }
  return <>{children}</>;
}

/** `/orders`: my orders, newest first. */
export function OrdersPage() {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${t('orders.viewer.myOrders')} · ${t('app.name')}`;
  }, [t]);
  return (
    <ViewerShell>
      <h1 className="commerce-title">{t('orders.viewer.myOrders')}</h1>
      <RequireViewer>
        <OrdersList />
      </RequireViewer>
    </ViewerShell>
  );
}

function OrdersList() {
  const { t, i18n } = useTranslation();
  const money = useMoney();
  const orders = useApiResource((signal) => commerceApi.myOrders(signal), []);
  if (orders.loading) return <LoadingState />;
  if (orders.error || !orders.data) return <ErrorState error={orders.error} audience="viewer" onRetry={orders.reload} />;
  if (orders.data.length === 0) return <EmptyState title={t('orders.viewer.noOrders')} hint={t('orders.viewer.noOrdersHint')} />;
  return (
    <ul className="order-list" data-testid="orders-list">
      {orders.data.map((o) => {
        const first = o.lines.find((l) => !l.isGift) ?? o.lines[0];
        const more = o.lines.filter((l) => !l.isGift).length - 1;
        return (
          <li key={o.id}>
            <Link className="card order-row" to={`/orders/${encodeURIComponent(o.id)}`} data-testid="order-row" data-order-id={o.id} data-status={o.status}>
              <div className="order-row-main">
                <p className="order-row-title">
                  {first ? first.title : t('orders.viewer.order')}
                  {more > 0 && <span className="muted"> {t('orders.viewer.andMore', { count: more })}</span>}
                </p>
                <p className="muted small">{formatDateTime(o.createdAt, i18n.resolvedLanguage ?? 'en')}</p>
              </div>
              <OrderStatusBadge status={o.status} />
              <strong className="order-row-total" data-fen={o.totalFen}>
                {money(o.totalFen)}
              </strong>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
