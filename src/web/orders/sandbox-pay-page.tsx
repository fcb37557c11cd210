import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { commerceApi } from '../api/commerce-api';
import { describeError } from '../api/describe-error';
import { ErrorState, LoadingState } from '../components/page-states';
import { useApiResource } from '../hooks/use-api-resource';
import { GiftIcon } from '../viewer/cart/commerce-icons';
import { useMoney } from '../viewer/cart/price-explanation';
import { ViewerShell } from './viewer-shell';

/** `/pay/sandbox/:ref`: the built-in test checkout. Pay or fail; no money moves. */
export function SandboxPayPage() {
  const { ref = '' } = useParams<{ ref: string }>();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const money = useMoney();
  const payment = useApiResource((signal) => commerceApi.sandbox(ref, signal), [ref]);
  const [busy, setBusy] = useState<'succeed' | 'fail' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<'succeed' | 'fail' | null>(null);
  const sent = useRef(false);

  useEffect(() => {
    document.title = `${t('orders.viewer.sandbox.title')} · ${t('app.name')}`;
  }, [t]);

  const complete = async (which: 'succeed' | 'fail') => {
    if (sent.current) return;
    sent.current = true;
    setBusy(which);
    setError(null);
    try {
      const reply = await commerceApi.completeSandbox(ref, which);
      setOutcome(which);
      const orderId = reply.orderId ?? payment.data?.orderId;
      if (orderId) navigate(`/orders/${encodeURIComponent(orderId)}${which === 'fail' ? '?payment=failed' : ''}`);
    } catch (err) {
      sent.current = false;
      setError(describeError(t, err, 'viewer'));
    } finally {
      setBusy(null);
    }
  };

  const p = payment.data;
  // Only an order still waiting for its money can be paid (or failed) here.
  const settled = p !== null && p.orderStatus !== 'pending_payment';

  return (
    <ViewerShell>
      <section className="card sandbox-card" data-testid="sandbox-page">
        <p className="sandbox-banner" data-testid="sandbox-banner">
          {t('orders.viewer.sandbox.banner')}
        </p>
        <h1 className="commerce-title">{t('orders.viewer.sandbox.title')}</h1>
        {payment.loading ? (
          <LoadingState />
        ) : payment.error || !p ? (
          <ErrorState error={payment.error} audience="viewer" onRetry={payment.reload} />
        ) : (
          <>
            <p className="sandbox-amount" data-testid="sandbox-amount" data-fen={p.amountFen}>
              {money(p.amountFen)}
            </p>
            {p.lines && p.lines.length > 0 && (
              <ul className="sandbox-lines">
                {p.lines.map((l, i) => (
                  <li key={i}>
                    <span>
                      {l.isGift && <GiftIcon />}
                      {l.title}
                      {l.skuName ? ` · ${l.skuName}` : ''} × {l.quantity}
                    </span>
                    {l.paidFen !== undefined && <span>{money(l.paidFen)}</span>}
                  </li>
                ))}
              </ul>
            )}
            <p className="muted small">{t('orders.viewer.sandbox.ref', { ref: p.ref })}</p>
            {settled ? (
              <p className="sandbox-done" data-testid="sandbox-settled">
                {t('orders.viewer.sandbox.settled', { status: t(`orders.viewer.status.${p.orderStatus}`, { defaultValue: p.orderStatus }) })}
              </p>
            ) : (
              <div className="sandbox-actions">
                <button type="button" className="btn btn-primary" disabled={busy !== null || outcome !== null} onClick={() => void complete('succeed')} data-testid="sandbox-pay">
                  {busy === 'succeed' ? t('orders.viewer.sandbox.paying') : t('orders.viewer.sandbox.pay', { amount: money(p.amountFen) })}
                </button>
                <button type="button" className="btn btn-danger" disabled={busy !== null || outcome !== null} onClick={() => void complete('fail')} data-testid="sandbox-fail">
                  {t('orders.viewer.sandbox.fail')}
                </button>
              </div>
            )}
            {error && (
              <p className="form-error" role="alert" data-testid="sandbox-error">
                {error}
              </p>
            )}
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => { navigate(`/orders/${encodeURIComponent(p.orderId)}`); }} data-testid="sandbox-to-order">
              {t('orders.viewer.sandbox.toOrder')}
            </button>
          </>
        )}
      </section>
    </ViewerShell>
  );
}
