import { useEffect, useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { describeError } from '../api/describe-error';
import { issuesByField } from '../api/field-issues';
import { useAuth } from '../auth/auth-context';
import type { SignInRedirectState } from '../auth/require-member';
import { FormField } from '../components/form-field';
import { LangSwitch } from '../components/lang-switch';
import { LoadingState } from '../components/page-states';

const DEFAULT_DESTINATION = '/console/sessions';
const SIGNIN_FIELDS = ['email', 'password'] as const;

function destinationFrom(state: unknown): string {
  const from = (state as SignInRedirectState | null)?.from;
  // Only ever return to console pages, never to the sign-in page itself.
  return typeof from === 'string' && from.startsWith('/console/') && !from.startsWith('/console/signin')
    ? from
    : DEFAULT_DESTINATION;
}

export function SignInPage() {
  const { t } = useTranslation();
  const { state, signIn } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ email?: string[]; password?: string[] }>({});

  useEffect(() => {
    document.title = `${t('signin.submit')} · ${t('app.consoleTitle')}`;
  }, [t]);

  if (state.status === 'loading') return <LoadingState label={t('signin.checking')} fullPage />;
  if (state.status === 'signed-in' && !submitting) {
    return <Navigate to={destinationFrom(location.state)} replace />;
  }

  const notice =
    state.status === 'signed-out' && state.reason === 'expired'
      ? t('errors.sessionExpired')
      : state.status === 'signed-out' && state.reason === 'unreachable'
        ? t('errors.network')
        : null;

  const handleSubmit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSubmitting(true);
    setError(null);
    setFieldErrors({});
    try {
      await signIn(email.trim(), password);
      void navigate(destinationFrom(location.state), { replace: true });
    } catch (err) {
      const { fieldErrors: perField, needsSummary } = issuesByField(err, SIGNIN_FIELDS);
      setFieldErrors(perField);
      setError(needsSummary ? describeError(t, err) : null);
      setSubmitting(false);
    }
  };

  return (
    <div className="auth-screen">
      <div className="auth-topbar">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.name')}</span>
        </span>
        <LangSwitch />
      </div>
      <main className="auth-card card">
        <h1>{t('signin.title')}</h1>
        <p className="muted">{t('signin.subtitle')}</p>
        {notice && !error && (
          <div className="banner banner-info" role="status">
            {notice}
          </div>
        )}
        <form className="stack" noValidate onSubmit={(event) => void handleSubmit(event)} data-testid="signin-form">
          <FormField name="email" label={t('signin.email')} errors={fieldErrors.email}>
            {(control) => (
              <input
                {...control}
                type="email"
                name="email"
                autoComplete="username"
                inputMode="email"
                autoFocus
                data-testid="signin-email"
                value={email}
                onChange={(event) => { setEmail(event.target.value); }}
              />
            )}
          </FormField>
          <FormField name="password" label={t('signin.password')} errors={fieldErrors.password}>
            {(control) => (
              <input
                {...control}
                type="password"
                name="password"
                autoComplete="current-password"
                data-testid="signin-password"
                value={password}
                onChange={(event) => { setPassword(event.target.value); }}
              />
            )}
          </FormField>
          {error && (
            <div className="form-error" role="alert" data-testid="signin-error">
              {error}
            </div>
          )}
          <button type="submit" className="btn btn-primary btn-block" disabled={submitting} data-testid="signin-submit">
            {submitting ? t('signin.submitting') : t('signin.submit')}
          </button>
        </form>
      </main>
      <p className="auth-footer muted">{t('app.tagline')}</p>
    </div>
  );
}
