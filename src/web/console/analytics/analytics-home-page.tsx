// Owned by the helper building this page (issue 7); replaced in this session.
export function AnalyticsHomePage() {
  return null;
}
