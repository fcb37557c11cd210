import { useTranslation } from 'react-i18next';

/** The × that dismisses a notice, banner or dialog. */
export function CloseButton({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <button type="button" className="btn-icon" aria-label={t('common.close')} onClick={onClose}>
      ×
    </button>
  );
}
