import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, type ErrorAudience } from '../api/describe-error';
import { issuesByField, type FieldErrors } from '../api/field-issues';

export interface FormErrors<F extends string> {
  fieldErrors: FieldErrors<F>;
  /** The summary line: only for errors that did not land on a field. */
  formError: string | null;
  setFieldErrors: (errors: FieldErrors<F>) => void;
  setFormError: (message: string | null) => void;
  clearErrors: () => void;
  /** Puts a failed request's issues under `serverFields`, and the rest into `formError`. */
  showError: (error: unknown) => void;
}

/** Per-field and summary errors of a form that the server validates. */
export function useFormErrors<F extends string>(serverFields: readonly F[], audience?: ErrorAudience): FormErrors<F> {
  const { t } = useTranslation();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<F>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const clearErrors = () => {
    setFieldErrors({});
    setFormError(null);
  };
  const showError = (error: unknown) => {
    const { fieldErrors: perField, needsSummary } = issuesByField(error, serverFields);
    setFieldErrors(perField);
    setFormError(needsSummary ? describeError(t, error, audience) : null);
  };

  return { fieldErrors, formError, setFieldErrors, setFormError, clearErrors, showError };
}
