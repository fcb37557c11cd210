import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Brand } from '../components/brand';
import { LangSwitch } from '../components/lang-switch';
import '../styles/commerce.css';

/** The frame of the viewer's commerce pages (checkout, payment, orders): brand, my orders, language. */
export function ViewerShell({ children, back }: { children: ReactNode; back?: { to: string; label: string } }) {
  const { t } = useTranslation();
  return (
    <div className="viewer">
      <header className="app-header viewer-topbar">
        <Brand />
        <div className="header-spacer" />
        <Link className="btn btn-ghost btn-sm" to="/orders" data-testid="my-orders-link">
          {t('orders.viewer.myOrders')}
        </Link>
        <LangSwitch />
      </header>
      <main className="viewer-main commerce-main">
        {back && (
          <Link className="back-link" to={back.to} data-testid="back-link">
            ← {back.label}
          </Link>
        )}
        {children}
      </main>
    </div>
  );
}
