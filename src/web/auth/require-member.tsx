import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Permission } from '../api/api-types';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { LoadingState, StateCard } from '../components/page-states';
import { useAuth } from './auth-context';

export interface SignInRedirectState {
  from?: string;
}

/** Gate for every console route: waits for the session check, then signs in or renders. */
export function RequireMember() {
  const { state } = useAuth();
  const location = useLocation();
  const { t } = useTranslation();

  if (state.status === 'loading') return <LoadingState label={t('signin.checking')} fullPage />;
  if (state.status === 'signed-out') {
    // After an explicit sign-out there is nothing worth returning to.
    const from = state.reason === 'signed-out' ? undefined : location.pathname + location.search;
    const redirectState: SignInRedirectState = { from };
    return <Navigate to="/console/signin" replace state={redirectState} />;
  }
  return <Outlet />;
}

export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { can } = useAuth();
  if (!can(permission)) return <NoAccessPage />;
  return <>{children}</>;
}

/** What a console page shows to a member who lacks the permission to see it. */
export function NoAccessPage() {
  const { t } = useTranslation();
  return (
    <section className="page">
      <StateCard title={t('common.noAccessTitle')} testId="no-access">
        <p>{t('common.noAccess')}</p>
      </StateCard>
    </section>
  );
}
