import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router-dom';

/** The product mark and name; a link when `to` is given. */
export function Brand({ to, label }: { to?: string; label?: string }) {
  const { t } = useTranslation();
  const content = (
    <>
      <span className="brand-mark" aria-hidden="true" />
      <span className="brand-name">{t('app.name')}</span>
    </>
  );
  if (to) {
    return (
      <NavLink to={to} className="brand" aria-label={label}>
        {content}
      </NavLink>
    );
  }
  return <span className="brand">{content}</span>;
}
