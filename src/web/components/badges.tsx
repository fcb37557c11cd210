import { useTranslation } from 'react-i18next';
import type { SessionStatus } from '../api/api-types';

export function StatusBadge({ status }: { status: SessionStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-status badge-${status}`} data-testid="status-badge" data-status={status}>
      {status === 'live' && <span className="live-dot" aria-hidden="true" />}
      {t(`status.${status}`)}
    </span>
  );
}

/** Marks seeded sample data so nobody mistakes it for real sales or real people. */
export function DemoBadge({ long = false }: { long?: boolean }) {
  const { t } = useTranslation();
  return (
    <span className="badge badge-demo" data-testid="demo-badge">
      {long ? t('common.demoData') : t('common.demo')}
    </span>
  );
}
