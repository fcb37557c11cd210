import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes } from 'react-router-dom';
import { AuthProvider } from './auth/auth-context';
import { PERMISSIONS } from './auth/permissions';
import { RequireMember, RequirePermission } from './auth/require-member';
import { LangSwitch } from './components/lang-switch';
import { AuditPage } from './console/audit-page';
import { ConsoleHome, ConsoleLayout } from './console/console-layout';
import { ProductsPage } from './console/products-page';
import { SessionsPage } from './console/sessions-page';
import { SignInPage } from './console/signin-page';
import { TeamPage } from './console/team-page';
import { ViewerPage } from './viewer/viewer-page';

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<Navigate to="/console" replace />} />
      {/* Viewers never need the team session check, so the console auth provider only wraps /console. */}
      <Route path="/live/:id" element={<ViewerPage />} />
      <Route path="/console/*" element={<ConsoleRoutes />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

function ConsoleRoutes() {
  return (
    <AuthProvider>
      <Routes>
        <Route path="signin" element={<SignInPage />} />
        <Route element={<RequireMember />}>
          <Route element={<ConsoleLayout />}>
            <Route index element={<ConsoleHome />} />
            <Route
              path="sessions"
              element={
                <RequirePermission permission={PERMISSIONS.sessionsRead}>
                  <SessionsPage />
                </RequirePermission>
              }
            />
            <Route
              path="products"
              element={
                <RequirePermission permission={PERMISSIONS.catalogRead}>
                  <ProductsPage />
                </RequirePermission>
              }
            />
            <Route
              path="team"
              element={
                <RequirePermission permission={PERMISSIONS.teamRead}>
                  <TeamPage />
                </RequirePermission>
              }
            />
            <Route
              path="audit"
              element={
                <RequirePermission permission={PERMISSIONS.auditRead}>
                  <AuditPage />
                </RequirePermission>
              }
            />
            <Route path="*" element={<NotFoundPage inConsole />} />
          </Route>
        </Route>
      </Routes>
    </AuthProvider>
  );
}

function NotFoundPage({ inConsole = false }: { inConsole?: boolean }) {
  const { t } = useTranslation();
  const body = (
    <div className="card state-card" data-testid="not-found">
      <h1 className="state-title">{t('notFound.title')}</h1>
      <p className="muted">{t('notFound.body')}</p>
      {!inConsole && (
        <Link className="btn btn-primary" to="/console">
          {t('notFound.toConsole')}
        </Link>
      )}
    </div>
  );
  if (inConsole) return <section className="page">{body}</section>;
  return (
    <div className="auth-screen">
      <div className="auth-topbar">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.name')}</span>
        </span>
        <LangSwitch />
      </div>
      <main className="auth-card">{body}</main>
    </div>
  );
}
