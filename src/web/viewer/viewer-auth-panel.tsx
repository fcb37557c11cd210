import { useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../api/describe-error';
import { issuesByField } from '../api/field-issues';
import { FormField } from '../components/form-field';
import type { ViewerIdentity } from './use-viewer-identity';

type Mode = 'signin' | 'signup';
const VIEWER_FIELDS = ['nickname', 'password'] as const;

interface ViewerAuthPanelProps {
  identity: ViewerIdentity;
  onSignIn: (nickname: string, password: string) => Promise<void>;
  onSignUp: (nickname: string, password: string) => Promise<void>;
  onSignOut: () => Promise<void>;
}

export function ViewerAuthPanel({ identity, onSignIn, onSignUp, onSignOut }: ViewerAuthPanelProps) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>('signin');
  const [nickname, setNickname] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ nickname?: string[]; password?: string[] }>({});

  const switchMode = (next: Mode) => {
    setMode(next);
    setError(null);
    setFieldErrors({});
  };

  const handleSubmit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      await (mode === 'signin' ? onSignIn : onSignUp)(nickname.trim(), password);
      setPassword('');
    } catch (err) {
      const { fieldErrors: perField, needsSummary } = issuesByField(err, VIEWER_FIELDS);
      setFieldErrors(perField);
      setError(needsSummary ? describeError(t, err, 'viewer') : null);
    } finally {
      setBusy(false);
    }
  };

  const handleSignOut = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSignOut();
    } catch (err) {
      setError(describeError(t, err, 'viewer'));
    } finally {
      setBusy(false);
    }
  };

  if (identity.kind === 'loading') return null;

  return (
    <section className="card viewer-panel" data-testid="viewer-auth-panel" aria-labelledby="viewer-auth-title">
      <h2 id="viewer-auth-title" className="card-title">
        {t('viewer.auth.title')}
      </h2>
      {identity.kind === 'viewer' ? (
        <div className="stack">
          <p>{t('viewer.auth.signedInHint')}</p>
          <p className="viewer-nickname">
            <span className="avatar" aria-hidden="true">
              {identity.viewer.nickname.trim().charAt(0).toUpperCase() || '?'}
            </span>
            <strong>{identity.viewer.nickname}</strong>
          </p>
          {error && (
            <div className="form-error" role="alert" data-testid="viewer-auth-error">
              {error}
            </div>
          )}
          <button
            type="button"
            className="btn"
            data-testid="viewer-signout"
            disabled={busy}
            onClick={() => void handleSignOut()}
          >
            {t('viewer.auth.signOut')}
          </button>
        </div>
      ) : (
        <>
          <div className="tabs" role="tablist">
            <button
              type="button"
              role="tab"
              className="tab"
              aria-selected={mode === 'signin'}
              data-testid="viewer-tab-signin"
              onClick={() => { switchMode('signin'); }}
            >
              {t('viewer.auth.signInTab')}
            </button>
            <button
              type="button"
              role="tab"
              className="tab"
              aria-selected={mode === 'signup'}
              data-testid="viewer-tab-signup"
              onClick={() => { switchMode('signup'); }}
            >
              {t('viewer.auth.signUpTab')}
            </button>
          </div>
          <form
            className="stack"
            role="tabpanel"
            noValidate
            data-testid={mode === 'signin' ? 'viewer-signin-form' : 'viewer-signup-form'}
            onSubmit={(event) => void handleSubmit(event)}
          >
            <FormField
              name="nickname"
              label={t('viewer.auth.nickname')}
              hint={mode === 'signup' ? t('viewer.auth.nicknameHint') : undefined}
              errors={fieldErrors.nickname}
            >
              {(control) => (
                <input
                  {...control}
                  type="text"
                  autoComplete="username"
                  data-testid="viewer-nickname"
                  value={nickname}
                  onChange={(event) => { setNickname(event.target.value); }}
                />
              )}
            </FormField>
            <FormField
              name="password"
              label={t('viewer.auth.password')}
              hint={mode === 'signup' ? t('viewer.auth.signUpPasswordHint') : undefined}
              errors={fieldErrors.password}
            >
              {(control) => (
                <input
                  {...control}
                  type="password"
                  autoComplete={mode === 'signin' ? 'current-password' : 'new-password'}
                  data-testid="viewer-password"
                  value={password}
                  onChange={(event) => { setPassword(event.target.value); }}
                />
              )}
            </FormField>
            {error && (
              <div className="form-error" role="alert" data-testid="viewer-auth-error">
                {error}
              </div>
            )}
            <button
              type="submit"
              className="btn btn-primary btn-block"
              disabled={busy}
              data-testid={mode === 'signin' ? 'viewer-signin-submit' : 'viewer-signup-submit'}
            >
              {busy ? t('viewer.auth.submitting') : mode === 'signin' ? t('viewer.auth.signIn') : t('viewer.auth.signUp')}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
