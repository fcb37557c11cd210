import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoomReport, Sanction, StoredChatMessage } from '../api/api-types';
import { consoleApi } from '../api/console-api';
import { formatDateTime } from '../format/date-format';
import { usePolledResource } from '../hooks/use-polled-resource';
import { ErrorState, LoadingState } from '../components/page-states';

/** Queues refresh this often while the page is visible (held comments and reports have no live event). */
export const QUEUE_POLL_MS = 10_000;

interface QueueProps {
  sessionId: string;
  /** Runs an action, reporting success or failure on the page; resolves true when it worked. */
  run: (action: () => Promise<unknown>, success: string) => Promise<boolean>;
}

function QueueHeader({ title, count, onRefresh, testId }: { title: string; count: number | null; onRefresh: () => void; testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="queue-head">
      <h2 className="card-title">
        {title}
        {count !== null && count > 0 && <span className="count-pill">{count}</span>}
      </h2>
      <button type="button" className="btn btn-sm btn-ghost" onClick={onRefresh} data-testid={testId}>
        {t('live.queue.refresh')}
      </button>
    </div>
  );
}

/** Comments held for review (keyword hold or the room's hold-for-review): publish or remove. */
export function HeldQueue({ sessionId, run }: QueueProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const held = usePolledResource((signal) => consoleApi.listChat(sessionId, { status: 'held', limit: 50 }, signal), [sessionId], QUEUE_POLL_MS);
  const [busy, setBusy] = useState<string | null>(null);
  const items = held.data?.items ?? null;

  const act = async (m: StoredChatMessage, kind: 'approve' | 'delete') => {
    setBusy(m.id);
    const ok = await run(
      () => (kind === 'approve' ? consoleApi.approveChat(sessionId, m.id) : consoleApi.deleteChat(sessionId, m.id)),
      kind === 'approve' ? t('live.queue.approved') : t('live.mod.deleted'),
    );
    setBusy(null);
    if (ok) held.setData((prev) => (prev ? { items: prev.items.filter((x) => x.id !== m.id) } : prev));
    held.refresh();
  };

  return (
    <section className="card live-card" aria-label={t('live.queue.heldTitle')}>
      <QueueHeader title={t('live.queue.heldTitle')} count={items?.length ?? null} onRefresh={held.refresh} testId="held-refresh" />
      {held.loading ? (
        <LoadingState />
      ) : held.error && !items ? (
        <ErrorState error={held.error} onRetry={held.refresh} />
      ) : items && items.length > 0 ? (
        <ul className="queue-list" data-testid="held-queue">
          {items.map((m) => (
            <li key={m.id} className="queue-item" data-testid="held-item" data-message-id={m.id}>
              <div className="queue-body">
                <span className="queue-meta">
                  <strong>{m.senderName}</strong> · <time dateTime={m.createdAt}>{formatDateTime(m.createdAt, lang)}</time>
                </span>
                <span className="queue-text">{m.text}</span>
              </div>
              <div className="row-actions">
                <button type="button" className="btn btn-sm btn-primary" disabled={busy === m.id} data-testid="held-approve" onClick={() => void act(m, 'approve')}>
                  {t('live.queue.approve')}
                </button>
                <button type="button" className="btn btn-sm btn-danger" disabled={busy === m.id} data-testid="held-delete" onClick={() => void act(m, 'delete')}>
                  {t('live.mod.delete')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small" data-testid="held-empty">
          {t('live.queue.heldEmpty')}
        </p>
      )}
    </section>
  );
}

/** Viewers' reports on comments: resolve (acted on) or dismiss, optionally removing the comment. */
export function ReportQueue({ sessionId, run }: QueueProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const reports = usePolledResource((signal) => consoleApi.listReports(sessionId, 'open', signal), [sessionId], QUEUE_POLL_MS);
  const [busy, setBusy] = useState<string | null>(null);
  const items = reports.data?.items ?? null;

  const act = async (r: RoomReport, kind: 'resolve' | 'dismiss' | 'delete') => {
    setBusy(r.id);
    const ok = await run(
      () =>
        kind === 'delete'
          ? consoleApi.deleteChat(sessionId, r.messageId).then(() => consoleApi.resolveReport(sessionId, r.id, 'resolve'))
          : consoleApi.resolveReport(sessionId, r.id, kind),
      kind === 'dismiss' ? t('live.queue.dismissed') : kind === 'delete' ? t('live.mod.deleted') : t('live.queue.resolved'),
    );
    setBusy(null);
    if (ok) reports.setData((prev) => (prev ? { items: prev.items.filter((x) => x.id !== r.id) } : prev));
    reports.refresh();
  };

  return (
    <section className="card live-card" aria-label={t('live.queue.reportsTitle')}>
      <QueueHeader title={t('live.queue.reportsTitle')} count={items?.length ?? null} onRefresh={reports.refresh} testId="reports-refresh" />
      {reports.loading ? (
        <LoadingState />
      ) : reports.error && !items ? (
        <ErrorState error={reports.error} onRetry={reports.refresh} />
      ) : items && items.length > 0 ? (
        <ul className="queue-list" data-testid="report-queue">
          {items.map((r) => (
            <li key={r.id} className="queue-item" data-testid="report-item" data-report-id={r.id}>
              <div className="queue-body">
                <span className="queue-meta">
                  <span className="badge badge-warn">{t(`live.report.reasons.${reasonKey(r.reason)}`)}</span>{' '}
                  <strong>{r.messageSender ?? t('common.none')}</strong> · <time dateTime={r.createdAt}>{formatDateTime(r.createdAt, lang)}</time>
                </span>
                <span className="queue-text">{r.messageText ?? t('live.queue.messageGone')}</span>
                {r.messageStatus && r.messageStatus !== 'visible' && (
                  <span className="muted small">{t(`live.queue.messageStatus.${statusKey(r.messageStatus)}`)}</span>
                )}
              </div>
              <div className="row-actions">
                {r.messageStatus === 'visible' && (
                  <button type="button" className="btn btn-sm btn-danger" disabled={busy === r.id} data-testid="report-delete-message" onClick={() => void act(r, 'delete')}>
                    {t('live.queue.deleteAndResolve')}
                  </button>
                )}
                <button type="button" className="btn btn-sm" disabled={busy === r.id} data-testid="report-resolve" onClick={() => void act(r, 'resolve')}>
                  {t('live.queue.resolve')}
                </button>
                <button type="button" className="btn btn-sm btn-ghost" disabled={busy === r.id} data-testid="report-dismiss" onClick={() => void act(r, 'dismiss')}>
                  {t('live.queue.dismiss')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small" data-testid="reports-empty">
          {t('live.queue.reportsEmpty')}
        </p>
      )}
    </section>
  );
}

const REASONS = ['spam', 'abuse', 'illegal', 'misleading', 'other'] as const;
function reasonKey(reason: string): (typeof REASONS)[number] {
  return REASONS.find((r) => r === reason) ?? 'other';
}

const MESSAGE_STATUSES = ['held', 'deleted', 'rejected'] as const;
function statusKey(status: string): (typeof MESSAGE_STATUSES)[number] {
  return MESSAGE_STATUSES.find((s) => s === status) ?? 'deleted';
}

/** Active mutes and bans of this room and its brand, each liftable. */
export function SanctionsCard({ sessionId, run, names }: QueueProps & { names: ReadonlyMap<string, string> }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const sanctions = usePolledResource((signal) => consoleApi.listSanctions(sessionId, signal), [sessionId], QUEUE_POLL_MS * 3);
  const [busy, setBusy] = useState<string | null>(null);
  // A ban also covers the viewer's address; that row is the same ban, so only the person's rows are shown.
  const items = sanctions.data?.items.filter((s) => !s.principal.startsWith('ip:')) ?? null;

  const lift = async (s: Sanction) => {
    setBusy(s.id);
    const ok = await run(() => consoleApi.liftSanction(sessionId, s.id), t('live.sanctions.lifted'));
    setBusy(null);
    if (ok) sanctions.setData((prev) => (prev ? { items: prev.items.filter((x) => x.id !== s.id) } : prev));
    sanctions.refresh();
  };

  const who = (principal: string) => {
    const [, id = ''] = principal.split(':');
    return names.get(id) ?? principal;
  };

  return (
    <section className="card live-card" aria-label={t('live.sanctions.title')}>
      <QueueHeader title={t('live.sanctions.title')} count={items?.length ?? null} onRefresh={sanctions.refresh} testId="sanctions-refresh" />
      {sanctions.loading ? (
        <LoadingState />
      ) : sanctions.error && !items ? (
        <ErrorState error={sanctions.error} onRetry={sanctions.refresh} />
      ) : items && items.length > 0 ? (
        <ul className="queue-list" data-testid="sanctions-list">
          {items.map((s) => (
            <li key={s.id} className="queue-item" data-testid="sanction-item">
              <div className="queue-body">
                <span className="queue-meta">
                  <span className={s.kind === 'ban' ? 'badge badge-live' : 'badge badge-warn'}>{t(s.kind === 'ban' ? 'live.sanctions.ban' : 'live.sanctions.mute')}</span>{' '}
                  <strong>{who(s.principal)}</strong> · {t(s.scope === 'brand' ? 'live.mod.scopes.brand' : 'live.mod.scopes.room')}
                </span>
                <span className="muted small">
                  {t('live.sanctions.until', { time: formatDateTime(s.until, lang) })}
                  {s.reason ? ` · ${s.reason}` : ''}
                </span>
              </div>
              <div className="row-actions">
                <button type="button" className="btn btn-sm" disabled={busy === s.id} data-testid="sanction-lift" onClick={() => void lift(s)}>
                  {t('live.sanctions.lift')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{t('live.sanctions.empty')}</p>
      )}
    </section>
  );
}
