import { useTranslation } from 'react-i18next';
import { currentLanguage, setLanguage } from '../i18n/i18n';

/** Toggles between the two shipped languages; the label names the language you switch to. */
export function LangSwitch({ className }: { className?: string }) {
  const { t, i18n } = useTranslation();
  const next = i18n.resolvedLanguage === 'zh-CN' ? 'en' : 'zh-CN';
  return (
    <button
      type="button"
      className={['btn btn-ghost lang-switch', className].filter(Boolean).join(' ')}
      data-testid="lang-switch"
      aria-label={t('lang.switchLabel')}
      title={t('lang.switchLabel')}
      lang={next}
      data-current-lang={currentLanguage()}
      onClick={() => void setLanguage(next)}
    >
      {t('lang.switchTo')}
    </button>
  );
}
