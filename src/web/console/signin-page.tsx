import { useEffect, useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/auth-context';
import type { SignInRedirectState } from '../auth/require-member';
import { AuthScreen } from '../components/auth-screen';
import { FormError, InputField } from '../components/form-field';
import { LoadingState } from '../components/page-states';
import { useFormErrors } from '../hooks/use-form-errors';

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
  const { fieldErrors, formError: error, clearErrors, showError } = useFormErrors(SIGNIN_FIELDS);

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
    clearErrors();
    try {
      await signIn(email.trim(), password);
      void navigate(destinationFrom(location.state), { replace: true });
    } catch (err) {
      showError(err);
      setSubmitting(false);
    }
  };

  return (
    <AuthScreen>
      <main className="auth-card card">
        <h1>{t('signin.title')}</h1>
        <p className="muted">{t('signin.subtitle')}</p>
        {notice && !error && (
          <div className="banner banner-info" role="status">
            {notice}
          </div>
        )}
        <form className="stack" noValidate onSubmit={(event) => void handleSubmit(event)} data-testid="signin-form">
          <InputField
            name="email"
            named
            label={t('signin.email')}
            errors={fieldErrors.email}
            type="email"
            autoComplete="username"
            inputMode="email"
            autoFocus
            testId="signin-email"
            value={email}
            onValueChange={setEmail}
          />
          <InputField
            name="password"
            named
            label={t('signin.password')}
            errors={fieldErrors.password}
            type="password"
            autoComplete="current-password"
            testId="signin-password"
            value={password}
            onValueChange={setPassword}
          />
          <FormError message={error} testId="signin-error" />
          <button type="submit" className="btn btn-primary btn-block" disabled={submitting} data-testid="signin-submit">
            {submitting ? t('signin.submitting') : t('signin.submit')}
          </button>
        </form>
      </main>
      <p className="auth-footer muted">{t('app.tagline')}</p>
    </AuthScreen>
  );
}
