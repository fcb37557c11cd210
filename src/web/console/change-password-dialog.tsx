import { useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { consoleApi } from '../api/console-api';
import type { FieldErrors } from '../api/field-issues';
import { FormError, InputField } from '../components/form-field';
import { ModalDialog } from '../components/modal-dialog';
import { useFormErrors } from '../hooks/use-form-errors';

const MIN_PASSWORD_LENGTH = 10;

type Field = 'currentPassword' | 'newPassword' | 'confirm';
const SERVER_FIELDS = ['currentPassword', 'newPassword'] as const;

export function ChangePasswordDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const { fieldErrors, formError, setFieldErrors, setFormError, showError } = useFormErrors<Field>(SERVER_FIELDS);
  const [done, setDone] = useState(false);

  const handleSubmit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const local: FieldErrors<Field> = {};
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
      showError(error);
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
          <InputField
            name="currentPassword"
            label={t('password.current')}
            errors={fieldErrors.currentPassword}
            type="password"
            autoComplete="current-password"
            testId="current-password"
            value={current}
            onValueChange={setCurrent}
          />
          <InputField
            name="newPassword"
            label={t('password.new')}
            hint={t('password.hint')}
            errors={fieldErrors.newPassword}
            type="password"
            autoComplete="new-password"
            minLength={MIN_PASSWORD_LENGTH}
            testId="new-password"
            value={next}
            onValueChange={setNext}
          />
          <InputField
            name="confirm"
            label={t('password.confirm')}
            errors={fieldErrors.confirm}
            type="password"
            autoComplete="new-password"
            testId="confirm-password"
            value={confirm}
            onValueChange={setConfirm}
          />
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
