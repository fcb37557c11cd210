import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../api/describe-error';
import { FormError } from './form-field';
import { ModalDialog } from './modal-dialog';

/**
 * "Are you sure?" for a destructive console action (rotate an invite code, a stream key): the
 * explanation, Cancel and a danger button that runs `action`; its error is shown in the dialog and
 * the button comes back. Test ids: `<testId>-dialog`, `-error`, `-confirm`.
 */
export function ConfirmActionDialog<T>({
  title,
  children,
  confirmLabel,
  busyLabel,
  testId,
  action,
  onDone,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busyLabel: string;
  testId: string;
  action: () => Promise<T>;
  onDone: (result: T) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      onDone(await action());
    } catch (err) {
      setError(describeError(t, err));
      setBusy(false);
    }
  };

  return (
    <ModalDialog title={title} onClose={onClose} testId={`${testId}-dialog`}>
      <div className="stack">
        {children}
        <FormError message={error} testId={`${testId}-error`} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="btn btn-danger" disabled={busy} data-testid={`${testId}-confirm`} onClick={() => void run()}>
            {busy ? busyLabel : confirmLabel}
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}
