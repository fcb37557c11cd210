import { useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { consoleApi } from '../api/console-api';
import { describeError } from '../api/describe-error';
import { issuesByField } from '../api/field-issues';
import { FormError, FormField } from '../components/form-field';
import { ModalDialog } from '../components/modal-dialog';

const MIN_PASSWORD_LENGTH = 10;

type Field = 'currentPassword' | 'newPassword' | 'confirm';
const SERVER_FIELDS = ['currentPassword', 'newPassword'] as const;

export function ChangePasswordDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string[]>>>({});
  const [done, setDone] = useState(false);

  const handleSubmit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const local: Partial<Record<Field, string[]>> = {};
    if (!current) local.currentPassword = [t('common.required')];
    if (next.length < MIN_PASSWORD_LENGTH) local.newPassword = [t('password.tooShort')];
    else if (next !== confirm) local.confirm = [t('password.mismatch')];
    setFieldErrors(local);
    setFormError(null);
    if (Object.keys(local).length > 0) return;

    setSubmitting(true);
    try {
      await consoleApi.changePassword(current, next);
      setDone(true);
    } catch (error) {
      const { fieldErrors: perField, needsSummary } = issuesByField(error, SERVER_FIELDS);
      setFieldErrors(perField);
      setFormError(needsSummary ? describeError(t, error) : null);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <ModalDialog title={t('password.title')} onClose={onClose} testId="change-password-dialog">
      {done ? (
        <div className="stack">
          <p className="success-text" role="status" data-testid="change-password-success">
            {t('password.success')}
          </p>
          <div className="form-actions">
            <button type="button" className="btn btn-primary" onClick={onClose}>
              {t('common.close')}
            </button>
          </div>
        </div>
      ) : (
        <form className="stack" noValidate onSubmit={(event) => void handleSubmit(event)}>
          <FormField name="currentPassword" label={t('password.current')} errors={fieldErrors.currentPassword}>
            {(control) => (
              <input
                {...control}
                type="password"
                autoComplete="current-password"
                data-testid="current-password"
                value={current}
                onChange={(event) => { setCurrent(event.target.value); }}
              />
            )}
          </FormField>
          <FormField
            name="newPassword"
            label={t('password.new')}
            hint={t('password.hint')}
            errors={fieldErrors.newPassword}
          >
            {(control) => (
              <input
                {...control}
                type="password"
                autoComplete="new-password"
                minLength={MIN_PASSWORD_LENGTH}
                data-testid="new-password"
                value={next}
                onChange={(event) => { setNext(event.target.value); }}
              />
            )}
          </FormField>
          <FormField name="confirm" label={t('password.confirm')} errors={fieldErrors.confirm}>
            {(control) => (
              <input
                {...control}
                type="password"
                autoComplete="new-password"
                data-testid="confirm-password"
                value={confirm}
                onChange={(event) => { setConfirm(event.target.value); }}
              />
            )}
          </FormField>
          <FormError message={formError} testId="change-password-error" />
          <div className="form-actions">
            <button type="button" className="btn" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={submitting} data-testid="change-password-submit">
              {submitting ? t('password.submitting') : t('password.submit')}
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  );
}
