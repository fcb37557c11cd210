import { useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoomSettings } from '../api/api-types';
import { consoleApi } from '../api/console-api';
import { FormError, InputField, SelectField } from '../components/form-field';
import { useFormErrors } from '../hooks/use-form-errors';
import { CHAT_MODES, type ChatMode } from '../room/room-protocol';

const SETTINGS_FIELDS = ['chatMode', 'slowModeSeconds', 'holdForReview'] as const;
const PIN_FIELDS = ['text'] as const;
const MAX_PIN = 200;

interface SettingsDraft {
  chatMode: ChatMode;
  slowModeSeconds: string;
  holdForReview: boolean;
}

/**
 * Chat mode, slow mode and hold-for-review. Shows the room's live values until the moderator
 * starts editing; a change from elsewhere (another moderator) shows up the same way.
 */
export function RoomSettingsCard({
  sessionId,
  settings,
  canEdit,
  onSaved,
}: {
  sessionId: string;
  settings: Omit<RoomSettings, 'pin'> | null;
  canEdit: boolean;
  onSaved: (saved: RoomSettings, message: string) => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<SettingsDraft | null>(null);
  const [busy, setBusy] = useState(false);
  const { fieldErrors, formError, clearErrors, showError, setFieldErrors } = useFormErrors(SETTINGS_FIELDS);

  if (!settings) return null;
  const shown: SettingsDraft = draft ?? { ...settings, slowModeSeconds: String(settings.slowModeSeconds) };
  const edit = (patch: Partial<SettingsDraft>) => { setDraft({ ...shown, ...patch }); };

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!draft) return;
    clearErrors();
    const slow = Number(draft.slowModeSeconds);
    if (draft.slowModeSeconds.trim() === '' || !Number.isInteger(slow)) {
      setFieldErrors({ slowModeSeconds: [t('live.settings.slowInvalid')] });
      return;
    }
    setBusy(true);
    try {
      const saved = await consoleApi.updateRoomSettings(sessionId, {
        chatMode: draft.chatMode,
        slowModeSeconds: slow,
        holdForReview: draft.holdForReview,
      });
      setDraft(null);
      onSaved(saved, t('live.settings.saved'));
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card live-card" aria-labelledby="room-settings-title">
      <h2 id="room-settings-title" className="card-title">
        {t('live.settings.title')}
      </h2>
      {canEdit ? (
        <form className="stack" noValidate onSubmit={(event) => void submit(event)} data-testid="room-settings">
          <SelectField
            name="chatMode"
            label={t('live.settings.chatMode')}
            testId="settings-chat-mode"
            value={shown.chatMode}
            options={CHAT_MODES}
            optionLabel={(m) => t(`live.settings.modes.${m}`)}
            errors={fieldErrors.chatMode}
            onValueChange={(chatMode) => { edit({ chatMode }); }}
          />
          <InputField
            name="slowModeSeconds"
            label={t('live.settings.slowMode')}
            hint={t('live.settings.slowModeHint')}
            type="number"
            inputMode="numeric"
            min={0}
            max={600}
            testId="settings-slow-mode"
            value={shown.slowModeSeconds}
            errors={fieldErrors.slowModeSeconds}
            onValueChange={(slowModeSeconds) => { edit({ slowModeSeconds }); }}
          />
          <label className="check-row">
            <input
              type="checkbox"
              data-testid="settings-hold"
              checked={shown.holdForReview}
              onChange={(event) => { edit({ holdForReview: event.target.checked }); }}
            />
            <span>
              <strong>{t('live.settings.hold')}</strong>
              <span className="field-hint">{t('live.settings.holdHint')}</span>
            </span>
          </label>
          <FormError message={formError} testId="settings-error" />
          <div className="form-actions">
            {draft && (
              <button type="button" className="btn" onClick={() => { setDraft(null); clearErrors(); }}>
                {t('common.cancel')}
              </button>
            )}
            <button type="submit" className="btn btn-primary" disabled={!draft || busy} data-testid="settings-save">
              {busy ? t('common.saving') : t('common.save')}
            </button>
          </div>
        </form>
      ) : (
        <dl className="facts facts-tight" data-testid="room-settings-readonly">
          <div>
            <dt>{t('live.settings.chatMode')}</dt>
            <dd>{t(`live.settings.modes.${settings.chatMode}`)}</dd>
          </div>
          <div>
            <dt>{t('live.settings.slowMode')}</dt>
            <dd>{settings.slowModeSeconds > 0 ? t('live.settings.seconds', { count: settings.slowModeSeconds }) : t('live.settings.off')}</dd>
          </div>
          <div>
            <dt>{t('live.settings.hold')}</dt>
            <dd>{settings.holdForReview ? t('live.settings.on') : t('live.settings.off')}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}

/** The pinned announcement every viewer sees above the chat. */
export function PinEditorCard({
  sessionId,
  pin,
  canEdit,
  onSaved,
}: {
  sessionId: string;
  pin: string | null;
  canEdit: boolean;
  onSaved: (saved: RoomSettings, message: string) => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { fieldErrors, formError, clearErrors, showError } = useFormErrors(PIN_FIELDS);
  const value = draft ?? pin ?? '';

  const save = async (text: string | null) => {
    clearErrors();
    setBusy(true);
    try {
      const saved = await consoleApi.setPin(sessionId, text);
      setDraft(null);
      onSaved(saved, text === null ? t('live.pin.cleared') : t('live.pin.saved'));
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void save(value.trim() === '' ? null : value);
  };

  return (
    <section className="card live-card" aria-labelledby="pin-title">
      <h2 id="pin-title" className="card-title">
        {t('live.pin.title')}
      </h2>
      {pin ? (
        <p className="pinned pinned-preview" data-testid="pin-current">
          <span className="pinned-label">{t('live.pinned')}</span>
          <span className="pinned-text">{pin}</span>
        </p>
      ) : (
        <p className="muted small pin-none" data-testid="pin-none">
          {t('live.pin.none')}
        </p>
      )}
      {canEdit && (
        <form className="stack pin-form" noValidate onSubmit={submit}>
          <InputField
            name="text"
            label={t('live.pin.label')}
            hint={t('live.pin.hint', { count: MAX_PIN })}
            type="text"
            maxLength={MAX_PIN * 2}
            testId="pin-input"
            value={value}
            errors={fieldErrors.text}
            onValueChange={setDraft}
          />
          <FormError message={formError} testId="pin-error" />
          <div className="form-actions">
            {pin && (
              <button type="button" className="btn btn-danger" disabled={busy} data-testid="pin-clear" onClick={() => void save(null)}>
                {t('live.pin.clear')}
              </button>
            )}
            <button type="submit" className="btn btn-primary" disabled={busy || draft === null || value.trim() === ''} data-testid="pin-save">
              {pin ? t('live.pin.update') : t('live.pin.pin')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
