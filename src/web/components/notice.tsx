import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/** Short-lived success message; announced politely and dismissed after a while. */
export function Notice({ message, onDismiss }: { message: string | null; onDismiss: () => void }) {
  const { t } = useTranslation();
  useEffect(() => {
    if (!message) return;
    const timer = window.setTimeout(onDismiss, 6000);
    return () => { window.clearTimeout(timer); };
  }, [message, onDismiss]);
  if (!message) return null;
  return (
    <div className="notice" role="status" data-testid="notice">
      <span>{message}</span>
      <button type="button" className="btn-icon" aria-label={t('common.close')} onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
