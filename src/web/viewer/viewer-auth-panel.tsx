import { useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../api/describe-error';
import { Avatar } from '../components/avatar';
import { FormError, InputField } from '../components/form-field';
import { useFormErrors } from '../hooks/use-form-errors';
import type { ViewerIdentity } from './use-viewer-identity';

const MODES = ['signin', 'signup'] as const;
type Mode = (typeof MODES)[number];
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
  const { fieldErrors, formError: error, setFormError, clearErrors, showError } = useFormErrors(VIEWER_FIELDS, 'viewer');

  const switchMode = (next: Mode) => {
    setMode(next);
    clearErrors();
  };

  const handleSubmit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    clearErrors();
    try {
      await (mode === 'signin' ? onSignIn : onSignUp)(nickname.trim(), password);
      setPassword('');
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  const handleSignOut = async () => {
    setBusy(true);
    setFormError(null);
    try {
      await onSignOut();
    } catch (err) {
      setFormError(describeError(t, err, 'viewer'));
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
            <Avatar name={identity.viewer.nickname} />
            <strong>{identity.viewer.nickname}</strong>
          </p>
          <FormError message={error} testId="viewer-auth-error" />
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
            {MODES.map((tab) => (
              <button
                key={tab}
                type="button"
                role="tab"
                className="tab"
                aria-selected={mode === tab}
                data-testid={tab === 'signin' ? 'viewer-tab-signin' : 'viewer-tab-signup'}
                onClick={() => { switchMode(tab); }}
              >
                {tab === 'signin' ? t('viewer.auth.signInTab') : t('viewer.auth.signUpTab')}
              </button>
            ))}
          </div>
          <form
            className="stack"
            role="tabpanel"
            noValidate
            data-testid={mode === 'signin' ? 'viewer-signin-form' : 'viewer-signup-form'}
            onSubmit={(event) => void handleSubmit(event)}
          >
            <InputField
              name="nickname"
              label={t('viewer.auth.nickname')}
              hint={mode === 'signup' ? t('viewer.auth.nicknameHint') : undefined}
              errors={fieldErrors.nickname}
              type="text"
              autoComplete="username"
              testId="viewer-nickname"
              value={nickname}
              onValueChange={setNickname}
            />
            <InputField
              name="password"
              label={t('viewer.auth.password')}
              hint={mode === 'signup' ? t('viewer.auth.signUpPasswordHint') : undefined}
              errors={fieldErrors.password}
              type="password"
              autoComplete={mode === 'signin' ? 'current-password' : 'new-password'}
              testId="viewer-password"
              value={password}
              onValueChange={setPassword}
            />
            <FormError message={error} testId="viewer-auth-error" />
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
