import { useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SanctionInput } from '../api/api-types';
import { FormError, InputField, SelectField } from '../components/form-field';
import { ModalDialog } from '../components/modal-dialog';
import { useFormErrors } from '../hooks/use-form-errors';

const BAN_FIELDS = ['scope', 'minutes', 'reason'] as const;
const SCOPES = ['room', 'brand'] as const;
type Scope = (typeof SCOPES)[number];

/** Preset lengths (minutes); the field takes any whole number the server accepts. */
export const BAN_PRESETS = [60, 24 * 60, 7 * 24 * 60] as const;

export interface BanTarget {
  viewerId: string;
  name: string;
}

/** Ban a viewer from this room or from every room of the brand, for a number of minutes. */
export function BanDialog({
  target,
  hasBrand,
  onBan,
  onClose,
}: {
  target: BanTarget;
  hasBrand: boolean;
  onBan: (input: SanctionInput) => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [scope, setScope] = useState<Scope>('room');
  const [minutes, setMinutes] = useState('60');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const { fieldErrors, formError, setFieldErrors, clearErrors, showError } = useFormErrors(BAN_FIELDS);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    clearErrors();
    const value = Number(minutes);
    if (!Number.isInteger(value) || value < 1) {
      setFieldErrors({ minutes: [t('live.mod.minutesInvalid')] });
      return;
    }
    setBusy(true);
    try {
      await onBan({
        kind: 'ban',
        scope,
        target: { kind: 'viewer', id: target.viewerId },
        minutes: value,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
    } catch (err) {
      showError(err);
      setBusy(false);
    }
  };

  return (
    <ModalDialog title={t('live.mod.banTitle', { name: target.name })} onClose={onClose} testId="ban-dialog">
      <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
        <p className="muted">{t('live.mod.banHint')}</p>
        <SelectField
          name="scope"
          label={t('live.mod.scope')}
          testId="ban-scope"
          value={scope}
          options={hasBrand ? SCOPES : (['room'] as const)}
          optionLabel={(s) => t(`live.mod.scopes.${s}`)}
          errors={fieldErrors.scope}
          onValueChange={setScope}
        />
        <div className="field">
          <span className="field-label">{t('live.mod.length')}</span>
          <div className="chip-row">
            {BAN_PRESETS.map((m) => (
              <button
                key={m}
                type="button"
                className={minutes === String(m) ? 'chip-button chip-button-on' : 'chip-button'}
                aria-pressed={minutes === String(m)}
                onClick={() => { setMinutes(String(m)); }}
              >
                {t('live.mod.duration', { context: durationUnit(m), count: durationCount(m) })}
              </button>
            ))}
          </div>
        </div>
        <InputField
          name="minutes"
          label={t('live.mod.minutes')}
          type="number"
          inputMode="numeric"
          min={1}
          testId="ban-minutes"
          value={minutes}
          errors={fieldErrors.minutes}
          onValueChange={setMinutes}
        />
        <InputField
          name="reason"
          label={`${t('live.mod.reason')} (${t('common.optional')})`}
          type="text"
          maxLength={200}
          testId="ban-reason"
          value={reason}
          errors={fieldErrors.reason}
          onValueChange={setReason}
        />
        <FormError message={formError} testId="ban-error" />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-live" disabled={busy} data-testid="ban-submit">
            {busy ? t('common.saving') : t('live.mod.ban')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

/** 60 → hours, 1440 → days, else minutes: for "1 hour", "1 day", "7 days". */
export function durationUnit(minutes: number): 'minutes' | 'hours' | 'days' {
  if (minutes % 1440 === 0) return 'days';
  if (minutes % 60 === 0) return 'hours';
  return 'minutes';
}

export function durationCount(minutes: number): number {
  const unit = durationUnit(minutes);
  return unit === 'days' ? minutes / 1440 : unit === 'hours' ? minutes / 60 : minutes;
}
