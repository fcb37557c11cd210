import { useEffect, useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { isApiError, setCsrfToken } from '../api/api-client';
import type { ShippingAddress } from '../api/commerce-api';
import { describeError } from '../api/describe-error';
import { interactViewerApi, type PrizeItem, type PrizeList } from '../api/interact-viewer-api';
import { viewerApi } from '../api/viewer-api';
import { InputField } from '../components/form-field';
import { ErrorState, LoadingState } from '../components/page-states';
import { formatDateTime } from '../format/date-format';
import { useApiResource } from '../hooks/use-api-resource';
import { useNow } from '../hooks/use-now';
import { ViewerShell } from '../orders/viewer-shell';
import { ADDRESS_FIELDS, validateAddress, type AddressField } from '../viewer/checkout/address-rules';
import { formatClock, toolErrorKey } from '../viewer/tools/tool-format';
import { GiftIcon } from '../viewer/tools/tool-icons';
import '../styles/room-tools.css';

/** `/prizes`: what this viewer won, the claim form for prizes that ship, and their status. */
export function PrizesPage() {
  const { t } = useTranslation();
  // The page may be opened on its own: the claim and "seen" posts need this sign-in's CSRF token.
  const me = useApiResource(async (signal) => {
    const session = await viewerApi.me(signal);
    setCsrfToken('viewer', session.csrfToken);
    return session;
  }, []);
  const signedIn = me.data !== null && !me.error;
  const prizes = useApiResource<PrizeList | null>((signal) => (signedIn ? interactViewerApi.prizes(signal) : Promise.resolve(null)), [signedIn]);
  const unseen = prizes.data?.unseen ?? 0;

  useEffect(() => {
    document.title = `${t('interactViewer.prizes.title')} · ${t('app.name')}`;
  }, [t]);
  // Viewed: the badge in the room stops counting these.
  useEffect(() => {
    if (unseen > 0) void interactViewerApi.markSeen().catch(() => undefined);
  }, [unseen]);

  const needsSignIn = isApiError(me.error) && (me.error.status === 401 || me.error.status === 403);
  return (
    <ViewerShell>
      <div className="prizes-page" data-testid="prizes-page">
        <h1>{t('interactViewer.prizes.title')}</h1>
        {me.loading || (signedIn && prizes.loading) ? (
          <LoadingState />
        ) : needsSignIn ? (
          <section className="card" data-testid="prizes-signin">
            <p>{t('interactViewer.prizes.signIn')}</p>
          </section>
        ) : me.error ? (
          <ErrorState error={me.error} audience="viewer" onRetry={me.reload} />
        ) : prizes.error || !prizes.data ? (
          <ErrorState error={prizes.error} audience="viewer" onRetry={prizes.reload} />
        ) : prizes.data.items.length === 0 ? (
          <section className="card" data-testid="prizes-empty">
            <p className="muted">{t('interactViewer.prizes.empty')}</p>
          </section>
        ) : (
          prizes.data.items.map((p) => (
            <PrizeCard
              key={p.id}
              prize={p}
              onClaimed={(next) => {
                prizes.setData((list) => (list ? { ...list, items: list.items.map((x) => (x.id === next.id ? next : x)) } : list));
              }}
            />
          ))
        )}
      </div>
    </ViewerShell>
  );
}

function PrizeCard({ prize, onClaimed }: { prize: PrizeItem; onClaimed: (p: PrizeItem) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const deadline = prize.claimBy ? Date.parse(prize.claimBy) : null;
  const claimable = prize.status === 'pending' && prize.needsAddress;
  const now = useNow(claimable && deadline !== null, 1000);
  const left = deadline !== null ? deadline - now : null;
  return (
    <section className="card prize-item" data-testid="prize-item" data-status={prize.status}>
      <div className="prize-head">
        <span className="draw-gift">
          <GiftIcon size={22} />
        </span>
        <h2 data-testid="prize-label">{prize.prize.label}</h2>
        {!prize.seen && <span className="prize-new">{t('interactViewer.prizes.new')}</span>}
        <span className={`prize-status prize-status-${prize.status}`} data-testid="prize-status">
          {t(`interactViewer.prizes.status.${prize.status}`)}
        </span>
      </div>
      <p className="small muted">
        {t('interactViewer.prizes.from', { draw: prize.drawTitle })} · {t('interactViewer.prizes.wonAt', { time: formatDateTime(prize.wonAt, lang) ?? '' })} ·{' '}
        <Link to={`/draws/${encodeURIComponent(prize.drawId)}`}>{t('interactViewer.draw.verify')}</Link> ·{' '}
        <Link to={`/live/${encodeURIComponent(prize.sessionId)}`}>{t('interactViewer.prizes.toLive')}</Link>
      </p>
      {prize.status === 'issued' && <p className="tool-ok small">{t(`interactViewer.prizes.issuedHint.${prize.prize.kind}`)}</p>}
      {claimable && left !== null && left > 0 && (
        <p className="prize-deadline" data-testid="prize-deadline">
          {t('interactViewer.prizes.claimBy', { time: formatClock(left) })}{' '}
          <span className="muted small">({t('interactViewer.prizes.claimByDate', { date: formatDateTime(prize.claimBy, lang) ?? '' })})</span>
        </p>
      )}
      {claimable && (left === null || left > 0) && <ClaimForm prizeId={prize.id} onClaimed={onClaimed} />}
      {prize.status === 'claimed' && <p className="tool-ok small">{t('interactViewer.prizes.claimed')}</p>}
    </section>
  );
}

function ClaimForm({ prizeId, onClaimed }: { prizeId: string; onClaimed: (p: PrizeItem) => void }) {
  const { t } = useTranslation();
  const [address, setAddress] = useState<ShippingAddress>({ name: '', phone: '', region: '', street: '' });
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<AddressField, string[]>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: AddressField) => (value: string) => {
    setAddress((a) => ({ ...a, [field]: value }));
    setFieldErrors((e) => ({ ...e, [field]: undefined }));
  };
  const submit = async (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    const local = validateAddress(address);
    if (Object.keys(local).length > 0) {
      const next: Partial<Record<AddressField, string[]>> = {};
      for (const f of ADDRESS_FIELDS) {
        const key = local[f];
        if (key) next[f] = [t(key)];
      }
      setFieldErrors(next);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = await interactViewerApi.claim(prizeId, {
        name: address.name.trim(),
        phone: address.phone.replace(/[\s-]/g, ''),
        region: address.region.trim(),
        street: address.street.trim(),
      });
      onClaimed(next);
    } catch (err) {
      if (isApiError(err)) {
        const byField: Partial<Record<AddressField, string[]>> = {};
        for (const f of ADDRESS_FIELDS) {
          const messages = err.issuesFor(f).map((i) => i.message);
          if (messages.length > 0) byField[f] = messages;
        }
        setFieldErrors(byField);
        const key = toolErrorKey(err.code);
        setError(key ? t(key) : describeError(t, err, 'viewer'));
      } else setError(describeError(t, err, 'viewer'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="prize-claim" noValidate onSubmit={(e) => void submit(e)} data-testid="prize-claim-form">
      <strong>{t('interactViewer.prizes.claimForm')}</strong>
      <InputField name="name" testId="claim-name" label={t('orders.viewer.checkout.name')} type="text" value={address.name} onValueChange={set('name')} errors={fieldErrors.name} autoComplete="name" maxLength={40} />
      <InputField
        name="phone"
        testId="claim-phone"
        label={t('orders.viewer.checkout.phone')}
        hint={t('orders.viewer.checkout.phoneHint')}
        type="text"
        inputMode="tel"
        value={address.phone}
        onValueChange={set('phone')}
        errors={fieldErrors.phone}
        autoComplete="tel"
        maxLength={20}
      />
      <InputField
        name="region"
        testId="claim-region"
        label={t('orders.viewer.checkout.region')}
        hint={t('orders.viewer.checkout.regionHint')}
        type="text"
        value={address.region}
        onValueChange={set('region')}
        errors={fieldErrors.region}
        autoComplete="address-level1"
        maxLength={80}
      />
      <InputField name="street" testId="claim-street" label={t('orders.viewer.checkout.street')} type="text" value={address.street} onValueChange={set('street')} errors={fieldErrors.street} autoComplete="street-address" maxLength={200} />
      {error && (
        <p className="tool-error" role="alert" data-testid="claim-error">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="claim-submit">
        {busy ? t('interactViewer.prizes.claiming') : t('interactViewer.prizes.claim')}
      </button>
    </form>
  );
}
