import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import type { Permission } from '../api/api-types';
import { describeError } from '../api/describe-error';
import { useAuth } from '../auth/auth-context';
import { PERMISSIONS } from '../auth/permissions';
import { NoAccessPage } from '../auth/require-member';
import { Avatar } from '../components/avatar';
import { DemoBadge } from '../components/badges';
import { Brand } from '../components/brand';
import { LangSwitch } from '../components/lang-switch';
import { NavIcon } from '../components/nav-icons';
import { ChangePasswordDialog } from './change-password-dialog';

export type ConsolePageKey = 'sessions' | 'products' | 'team' | 'audit' | 'orders' | 'fulfilment' | 'promotions' | 'coupons' | 'analytics';

interface NavItem {
  /** Also the page's route segment: `to` is `/console/<key>`. */
  key: ConsolePageKey;
  to: string;
  /** Needed to see the nav item and to open the page. */
  permission: Permission;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { key: 'sessions', to: '/console/sessions', permission: PERMISSIONS.sessionsRead },
  { key: 'products', to: '/console/products', permission: PERMISSIONS.catalogRead },
  { key: 'promotions', to: '/console/promotions', permission: PERMISSIONS.promotionsRead },
  { key: 'coupons', to: '/console/coupons', permission: PERMISSIONS.promotionsRead },
  { key: 'orders', to: '/console/orders', permission: PERMISSIONS.ordersRead },
  { key: 'analytics', to: '/console/analytics', permission: PERMISSIONS.analyticsRead },
  { key: 'fulfilment', to: '/console/fulfilment', permission: PERMISSIONS.fulfilmentWrite },
  { key: 'team', to: '/console/team', permission: PERMISSIONS.teamRead },
  { key: 'audit', to: '/console/audit', permission: PERMISSIONS.auditRead },
];

export function ConsoleLayout() {
  const { t } = useTranslation();
  const { member, can, signOut } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [navOpen, setNavOpen] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const menuRef = useRef<HTMLDivElement>(null);

  // The phone drawer and the account menu are transient: any navigation closes them.
  const [lastPath, setLastPath] = useState(location.pathname);
  if (lastPath !== location.pathname) {
    setLastPath(location.pathname);
    setNavOpen(false);
    setMenuOpen(false);
  }

  useEffect(() => {
    if (!menuOpen) return;
    const onPointer = (event: MouseEvent) => {
      if (menuRef.current && !menuRef.current.contains(event.target as Node)) setMenuOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setMenuOpen(false);
    };
    document.addEventListener('mousedown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [menuOpen]);

  useEffect(() => {
    document.title = t('app.consoleTitle');
  }, [t]);

  if (!member) return null;

  const roleNames = member.roles.map((role) => t(`roles.${role}`)).join(' · ');
  const visibleNav = NAV_ITEMS.filter((item) => can(item.permission));

  const handleSignOut = async () => {
    setSigningOut(true);
    setSignOutError(null);
    try {
      await signOut();
      void navigate('/console/signin', { replace: true });
    } catch (error) {
      setSignOutError(describeError(t, error));
      setSigningOut(false);
    }
  };

  return (
    <div className={navOpen ? 'console nav-open' : 'console'}>
      <header className="app-header console-header">
        <button
          type="button"
          className="btn btn-ghost nav-toggle"
          data-testid="nav-toggle"
          aria-expanded={navOpen}
          aria-controls="console-nav"
          aria-label={navOpen ? t('nav.closeMenu') : t('nav.menu')}
          onClick={() => { setNavOpen((open) => !open); }}
        >
          <span className="hamburger" aria-hidden="true" />
          <span className="nav-toggle-label">{t('nav.menu')}</span>
        </button>
        <Brand to="/console" label={t('app.consoleTitle')} />
        <div className="header-spacer" />
        <LangSwitch />
        <div className="user-menu" ref={menuRef}>
          <button
            type="button"
            className="user-menu-button"
            data-testid="user-menu"
            aria-haspopup="menu"
            aria-expanded={menuOpen}
            aria-label={t('header.account')}
            onClick={() => { setMenuOpen((open) => !open); }}
          >
            <Avatar name={member.displayName} />
            <span className="user-summary">
              <span className="user-name" data-testid="member-name">
                {member.displayName}
              </span>
              <span className="user-roles" data-testid="member-roles">
                {roleNames}
              </span>
            </span>
          </button>
          {menuOpen && (
            <div className="user-menu-panel" role="menu">
              <div className="user-menu-identity">
                <strong>{member.displayName}</strong>
                <span className="muted">{member.email}</span>
                <span className="muted">{roleNames}</span>
                {member.isDemo && <DemoBadge />}
              </div>
              <button
                type="button"
                role="menuitem"
                className="user-menu-item"
                data-testid="change-password"
                onClick={() => {
                  setMenuOpen(false);
                  setPasswordOpen(true);
                }}
              >
                {t('header.changePassword')}
              </button>
            </div>
          )}
        </div>
        <button
          type="button"
          className="btn btn-ghost signout"
          data-testid="signout"
          disabled={signingOut}
          onClick={() => void handleSignOut()}
        >
          {signingOut ? t('header.signingOut') : t('header.signOut')}
        </button>
      </header>

      {signOutError && (
        <div className="banner banner-error" role="alert">
          {signOutError}
        </div>
      )}

      <div className="console-body">
        <nav id="console-nav" className="console-nav" aria-label={t('nav.label')} data-testid="console-nav">
          <ul>
            {visibleNav.map((item) => (
              <li key={item.key}>
                <NavLink to={item.to} className="nav-link" data-testid={`nav-${item.key}`}>
                  <NavIcon name={item.key} />
                  {t(`nav.${item.key}`)}
                </NavLink>
              </li>
            ))}
            <li>
              <a href="/docs" className="nav-link" data-testid="nav-docs" target="_blank" rel="noopener">
                <NavIcon name="docs" />
                {t('nav.docs')}
              </a>
            </li>
          </ul>
          {member.isDemo && (
            <p className="nav-footnote">
              <DemoBadge /> {t('header.demoAccount')}
            </p>
          )}
        </nav>
        <main className="console-main">
          <Outlet />
        </main>
      </div>

      {passwordOpen && <ChangePasswordDialog onClose={() => { setPasswordOpen(false); }} />}
    </div>
  );
}

/** `/console` lands on the first page this member is allowed to see. */
export function ConsoleHome() {
  const { can } = useAuth();
  const first = NAV_ITEMS.find((item) => can(item.permission));
  if (first) return <Navigate to={first.to} replace />;
  return <NoAccessPage />;
}
