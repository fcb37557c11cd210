import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { interactConsoleApi, type CountdownView } from '../../api/interact-console-api';
import { FormError, InputField } from '../../components/form-field';
import { countdownFormToBody, formatTime, timeLeft, type CountdownField, type CountdownForm as CountdownFormState } from './interact-format';
import { ToolSection } from './tool-section';
import type { ToolTabProps } from './tool-props';
import { useFormErrors } from '../../hooks/use-form-errors';

const COUNTDOWN_FIELDS: readonly CountdownField[] = ['label', 'seconds', 'endsAt'];
const QUICK_MINUTES = ['1', '3', '5', '10'] as const;

/** Countdowns to a named moment (the next flash sale, the draw), shown in the room. */
export function CountdownTab(props: ToolTabProps) {
  const { t } = useTranslation();
  const { data, canRun } = props;
  const running = data.countdowns.filter((c) => c.status === 'running');
  const past = data.countdowns.filter((c) => c.status !== 'running').reverse();
  return (
    <>
      <ToolSection title={t('interactConsole.sections.live')} empty={t('interactConsole.countdown.none')} count={running.length} testId="ic-countdowns-running">
        {running.map((c) => <CountdownCard key={c.id} countdown={c} {...props} />)}
      </ToolSection>
      {canRun && <CountdownForm {...props} />}
      {past.length > 0 && (
        <ToolSection title={t('interactConsole.sections.ended')} count={past.length} testId="ic-countdowns-past" collapsible>
          {past.map((c) => <CountdownCard key={c.id} countdown={c} {...props} />)}
        </ToolSection>
      )}
    </>
  );
}

function CountdownCard({ countdown: c, sessionId, now, canRun, act, busy }: ToolTabProps & { countdown: CountdownView }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const key = `countdown:${c.id}`;
  return (
    <article className={`ic-card ic-card-${c.status}`} data-testid="ic-countdown" data-countdown-id={c.id} data-status={c.status}>
      <header className="ic-card-head">
        <span className={`badge ic-status-${c.status}`}>{t(`interactConsole.countdown.status.${c.status}`)}</span>
        <h4 className="ic-card-title">{c.label}</h4>
      </header>
      <p className="ic-meta">
        {c.status === 'running' && (
          <>
            <strong className="ic-big-clock" data-testid="ic-countdown-left">
              {timeLeft(c.endsAt, now)}
            </strong>{' '}
          </>
        )}
        {t('interactConsole.countdown.endsAt', { time: formatTime(c.endsAt, lang) })}
      </p>
      {canRun && c.status === 'running' && (
        <div className="ic-actions">
          <button
            type="button"
            className="btn btn-sm btn-ghost"
            data-testid="ic-countdown-cancel"
            disabled={busy === key}
            onClick={() => {
              if (window.confirm(t('interactConsole.countdown.confirmCancel', { label: c.label }))) void act(key, () => interactConsoleApi.cancelCountdown(sessionId, c.id), t('interactConsole.countdown.cancelled'));
            }}
          >
            {t('interactConsole.cancel')}
          </button>
        </div>
      )}
    </article>
  );
}

function CountdownForm({ sessionId, now, act }: ToolTabProps) {
  const { t } = useTranslation();
  const [f, setF] = useState<CountdownFormState>({ label: '', mode: 'in', minutes: '5', at: '' });
  const [saving, setSaving] = useState(false);
  const form = useFormErrors<CountdownField>(COUNTDOWN_FIELDS);
  const fe = form.fieldErrors;
  const submit = async (e: { preventDefault: () => void }) => {
    e.preventDefault();
    form.clearErrors();
    const mapped = countdownFormToBody(f, now);
    if (!mapped.ok) {
      form.setFieldErrors(Object.fromEntries(Object.entries(mapped.problems).map(([k, v]) => [k, [t(`interactConsole.errors.${v}`)]])));
      return;
    }
    setSaving(true);
    try {
      await interactConsoleApi.createCountdown(sessionId, mapped.body);
      await act('countdown:new', () => Promise.resolve(), t('interactConsole.countdown.started'));
      setF((x) => ({ ...x, label: '' }));
    } catch (err) {
      form.showError(err);
    } finally {
      setSaving(false);
    }
  };
  return (
    <form className="ic-form" data-testid="ic-countdown-form" noValidate onSubmit={(e) => void submit(e)}>
      <h4 className="ic-form-title">{t('interactConsole.countdown.new')}</h4>
      <InputField type="text" name="label" testId="ic-countdown-label" label={t('interactConsole.countdown.fields.label')} placeholder={t('interactConsole.countdown.labelPlaceholder')} errors={fe.label} value={f.label} maxLength={80} onValueChange={(v) => { setF((x) => ({ ...x, label: v })); }} />
      <fieldset className="ic-mode">
        <legend className="field-label">{t('interactConsole.countdown.fields.when')}</legend>
        <label className="ic-check">
          <input type="radio" name="ic-countdown-mode" checked={f.mode === 'in'} onChange={() => { setF((x) => ({ ...x, mode: 'in' })); }} /> {t('interactConsole.countdown.inMinutes')}
        </label>
        <label className="ic-check">
          <input type="radio" name="ic-countdown-mode" data-testid="ic-countdown-mode-at" checked={f.mode === 'at'} onChange={() => { setF((x) => ({ ...x, mode: 'at' })); }} /> {t('interactConsole.countdown.atTime')}
        </label>
      </fieldset>
      {f.mode === 'in' ? (
        <>
          <div className="ic-quick" role="group" aria-label={t('interactConsole.countdown.quick')}>
            {QUICK_MINUTES.map((m) => (
              <button key={m} type="button" className={f.minutes === m ? 'btn btn-sm ic-chip-on' : 'btn btn-sm'} aria-pressed={f.minutes === m} onClick={() => { setF((x) => ({ ...x, minutes: m })); }}>
                {t('interactConsole.countdown.minutes', { count: Number(m) })}
              </button>
            ))}
          </div>
          <InputField type="text" name="seconds" testId="ic-countdown-minutes" label={t('interactConsole.countdown.fields.minutes')} errors={fe.seconds} inputMode="decimal" value={f.minutes} onValueChange={(v) => { setF((x) => ({ ...x, minutes: v })); }} />
        </>
      ) : (
        <InputField name="endsAt" testId="ic-countdown-at" label={t('interactConsole.countdown.fields.at')} errors={fe.endsAt} type="datetime-local" value={f.at} onValueChange={(v) => { setF((x) => ({ ...x, at: v })); }} />
      )}
      {f.mode === 'in' && fe.endsAt && <p className="form-error">{fe.endsAt.join(' ')}</p>}
      <FormError message={form.formError} testId="ic-countdown-form-error" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="ic-countdown-start" disabled={saving}>
          {t('interactConsole.countdown.start')}
        </button>
      </div>
    </form>
  );
}
