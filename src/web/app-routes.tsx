import type { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes } from 'react-router-dom';
import { AuthProvider } from './auth/auth-context';
import { PERMISSIONS } from './auth/permissions';
import { RequireMember, RequirePermission } from './auth/require-member';
import { AuthScreen } from './components/auth-screen';
import { StateCard } from './components/page-states';
import { AnalyticsHomePage } from './console/analytics/analytics-home-page';
import { ComparePage } from './console/analytics/compare-page';
import { InsightsPage } from './console/analytics/insights-page';
import { ReportPage } from './console/analytics/report-page';
import { AuditPage } from './console/audit-page';
import { FulfilmentPage } from './console/fulfilment-page';
import { OrdersPage as OrdersConsolePage } from './console/orders-page';
import { PromotionsPage } from './console/promotions-page';
import { CouponsPage } from './console/coupons-page';
import { ConsoleHome, ConsoleLayout, NAV_ITEMS, type ConsolePageKey } from './console/console-layout';
import { LiveControlPage } from './console/live-control-page';
import { PreflightPage } from './console/preflight-page';
import { ProductsPage } from './console/products-page';
import { SessionDetailPage } from './console/session-detail-page';
import { SessionsPage } from './console/sessions-page';
import { SignInPage } from './console/signin-page';
import { TeamPage } from './console/team-page';
import { ViewerPage } from './viewer/viewer-page';
import { CheckoutPage } from './viewer/checkout/checkout-page';
import { OrderDetailPage } from './orders/order-detail-page';
import { OrdersPage } from './orders/orders-page';
import { SandboxPayPage } from './orders/sandbox-pay-page';
import { DrawVerifyPage } from './draws/draw-verify-page';
import { PrizesPage } from './prizes/prizes-page';

// The route and the permission of each console page come from its nav item.
const CONSOLE_PAGES: Record<ConsolePageKey, ComponentType> = {
  sessions: SessionsPage,
  products: ProductsPage,
  team: TeamPage,
  audit: AuditPage,
  orders: OrdersConsolePage,
  fulfilment: FulfilmentPage,
  promotions: PromotionsPage,
  coupons: CouponsPage,
  analytics: AnalyticsHomePage,
};

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<Navigate to="/console" replace />} />
      {/* Viewers never need the team session check, so the console auth provider only wraps /console. */}
      <Route path="/live/:id" element={<ViewerPage />} />
      <Route path="/live/:id/checkout" element={<CheckoutPage />} />
      <Route path="/pay/sandbox/:ref" element={<SandboxPayPage />} />
      <Route path="/orders" element={<OrdersPage />} />
      <Route path="/orders/:id" element={<OrderDetailPage />} />
      <Route path="/draws/:id" element={<DrawVerifyPage />} />
      <Route path="/prizes" element={<PrizesPage />} />
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
            {NAV_ITEMS.map(({ key, permission }) => {
              const Page = CONSOLE_PAGES[key];
              return (
                <Route
                  key={key}
                  path={key}
                  element={
                    <RequirePermission permission={permission}>
                      <Page />
                    </RequirePermission>
                  }
                />
              );
            })}
            {/* Editing on the detail page needs sessions:write; the page hides what the member cannot do. */}
            <Route
              path="sessions/:id"
              element={
                <RequirePermission permission={PERMISSIONS.sessionsRead}>
                  <SessionDetailPage />
                </RequirePermission>
              }
            />
            {/* Live figures need sessions:read; the moderation tools inside also need room:moderate. */}
            <Route
              path="sessions/:id/live"
              element={
                <RequirePermission permission={PERMISSIONS.sessionsRead}>
                  <LiveControlPage />
                </RequirePermission>
              }
            />
            <Route path="sessions/:id/report" element={<RequirePermission permission={PERMISSIONS.analyticsRead}><ReportPage /></RequirePermission>} />
            <Route path="analytics/compare" element={<RequirePermission permission={PERMISSIONS.analyticsRead}><ComparePage /></RequirePermission>} />
            <Route path="analytics/insights" element={<RequirePermission permission={PERMISSIONS.analyticsRead}><InsightsPage /></RequirePermission>} />
            <Route path="sessions/:id/preflight" element={<RequirePermission permission={PERMISSIONS.sessionsRead}><PreflightPage /></RequirePermission>} />
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
    <StateCard title={t('notFound.title')} testId="not-found">
      <p className="muted">{t('notFound.body')}</p>
      {!inConsole && (
        <Link className="btn btn-primary" to="/console">
          {t('notFound.toConsole')}
        </Link>
      )}
    </StateCard>
  );
  if (inConsole) return <section className="page">{body}</section>;
  return (
    <AuthScreen>
      <main className="auth-card">{body}</main>
    </AuthScreen>
  );
}
