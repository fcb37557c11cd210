import { useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  SESSION_THEMES,
  SESSION_VISIBILITIES,
  type LiveSession,
  type SessionInput,
  type SessionTheme,
  type SessionVisibility,
} from '../api/api-types';
import { consoleApi } from '../api/console-api';
import { FormError, InputField, SelectField } from '../components/form-field';
import { isoToLocalInput, localInputToIso } from '../format/date-format';
import { useFormErrors } from '../hooks/use-form-errors';

type Field = keyof SessionInput;
const FIELDS: readonly Field[] = ['title', 'theme', 'visibility', 'scheduledStart', 'plannedMinutes'];
const DEFAULT_MINUTES = 60;

interface SessionFormProps {
  /** When given, the form edits this session; otherwise it creates one. */
  session?: LiveSession;
  onSaved: (session: LiveSession, created: boolean) => void;
  /** Without it there is no cancel button (the form is part of a page, not opened over a list). */
  onCancel?: () => void;
  /** Heading of the card; defaults to "new session" / "edit session". */
  heading?: string;
  /** Focus the title when the form appears (true when it was opened by a button). */
  autoFocus?: boolean;
}

export function SessionForm({ session, onSaved, onCancel, heading, autoFocus = true }: SessionFormProps) {
  const { t } = useTranslation();
  const [title, setTitle] = useState(session?.title ?? '');
  const [theme, setTheme] = useState<SessionTheme>(session?.theme ?? 'launch');
  const [visibility, setVisibility] = useState<SessionVisibility>(session?.visibility ?? 'public');
  const [scheduledStart, setScheduledStart] = useState(isoToLocalInput(session?.scheduledStart ?? null));
  const [plannedMinutes, setPlannedMinutes] = useState(String(session?.plannedMinutes ?? DEFAULT_MINUTES));
  const [submitting, setSubmitting] = useState(false);
  const { fieldErrors, formError, setFieldErrors, clearErrors, showError } = useFormErrors(FIELDS);

  const handleSubmit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    clearErrors();

    const minutes = Number(plannedMinutes);
    // Anything that isn't a whole number would be rejected anyway; say so
    // here rather than sending a value the user didn't type.
    if (plannedMinutes.trim() === '' || !Number.isInteger(minutes)) {
      setFieldErrors({ plannedMinutes: [t('sessions.minutesInvalid')] });
      return;
    }
    const input: SessionInput = {
      title: title.trim(),
      theme,
      visibility,
      scheduledStart: localInputToIso(scheduledStart),
      plannedMinutes: minutes,
    };

    setSubmitting(true);
    try {
      const saved = session
        ? await consoleApi.updateSession(session.id, input)
        : await consoleApi.createSession(input);
      onSaved(saved, !session);
    } catch (error) {
      showError(error);
      setSubmitting(false);
    }
  };

  return (
    <form
      className="card form-card"
      noValidate
      data-testid="session-form"
      onSubmit={(event) => void handleSubmit(event)}
    >
      <h2 className="card-title">{heading ?? (session ? t('sessions.editTitle') : t('sessions.createTitle'))}</h2>
      <div className="form-grid">
        <InputField
          name="title"
          label={t('sessions.field.title')}
          errors={fieldErrors.title}
          className="span-2"
          type="text"
          autoFocus={autoFocus}
          maxLength={200}
          testId="session-title"
          value={title}
          onValueChange={setTitle}
        />
        <SelectField
          name="theme"
          label={t('sessions.field.theme')}
          errors={fieldErrors.theme}
          testId="session-theme"
          value={theme}
          options={SESSION_THEMES}
          optionLabel={(value) => t(`theme.${value}`)}
          onValueChange={setTheme}
        />
        <SelectField
          name="visibility"
          label={t('sessions.field.visibility')}
          errors={fieldErrors.visibility}
          testId="session-visibility"
          value={visibility}
          options={SESSION_VISIBILITIES}
          optionLabel={(value) => t(`visibility.${value}`)}
          onValueChange={setVisibility}
        />
        <InputField
          name="scheduledStart"
          label={
            <>
              {t('sessions.field.scheduledStart')} <span className="muted">({t('common.optional')})</span>
            </>
          }
          errors={fieldErrors.scheduledStart}
          type="datetime-local"
          testId="session-scheduled-start"
          value={scheduledStart}
          onValueChange={setScheduledStart}
        />
        <InputField
          name="plannedMinutes"
          label={t('sessions.field.plannedMinutes')}
          errors={fieldErrors.plannedMinutes}
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          testId="session-planned-minutes"
          value={plannedMinutes}
          onValueChange={setPlannedMinutes}
        />
      </div>
      <FormError message={formError} testId="session-form-error" />
      <div className="form-actions">
        {onCancel && (
          <button type="button" className="btn" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
        <button type="submit" className="btn btn-primary" disabled={submitting} data-testid="session-submit">
          {session
            ? submitting
              ? t('common.saving')
              : t('common.save')
            : submitting
              ? t('sessions.creating')
              : t('sessions.create')}
        </button>
      </div>
    </form>
  );
}
