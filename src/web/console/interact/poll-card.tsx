import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { interactConsoleApi, type PollDetail } from '../../api/interact-console-api';
import { FormError, FormField, InputField, SelectField } from '../../components/form-field';
import { formatCount } from '../../format/money-format';
import { useFormErrors } from '../../hooks/use-form-errors';
import { pollFormToBody, pollShares, timeLeft, type PollField } from './interact-format';
import { NewToolButton, ToolStages } from './tool-section';
import type { ToolTabProps } from './tool-props';

const POLL_FIELDS: readonly PollField[] = ['question', 'options', 'durationSeconds'];
const DURATIONS = ['30', '60', '120', '180', '300', '600'] as const;

/** Polls: open ones with live bars, prepared drafts to open in one click, and past results. */
export function PollsTab(props: ToolTabProps) {
  const { t } = useTranslation();
  const { data, canRun } = props;
  const open = data.polls.filter((p) => p.status === 'open');
  const drafts = data.polls.filter((p) => p.status === 'draft');
  const closed = data.polls.filter((p) => p.status === 'closed').reverse();
  return (
    <ToolStages
      live={open}
      prepared={drafts}
      ended={closed}
      emptyLive={t('interactConsole.polls.noneOpen')}
      emptyPrepared={t('interactConsole.polls.noneDraft')}
      testIds={['ic-polls-open', 'ic-polls-draft', 'ic-polls-closed']}
      endedCollapsible
      form={canRun && <PollForm {...props} />}
      render={(p) => <PollCard key={p.id} poll={p} {...props} />}
    />
  );
}

function PollCard({ poll, sessionId, now, canRun, act, busy }: ToolTabProps & { poll: PollDetail }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const key = `poll:${poll.id}`;
  return (
    <article className={`ic-card ic-card-${poll.status}`} data-testid="ic-poll" data-poll-id={poll.id} data-status={poll.status}>
      <header className="ic-card-head">
        <span className={`badge ic-status-${poll.status}`}>{t(`interactConsole.polls.status.${poll.status}`)}</span>
        <h4 className="ic-card-title">{poll.question}</h4>
      </header>
      <p className="ic-meta">
        {t(`interactConsole.polls.kind.${poll.kind}`)}
        {' · '}
        {poll.status === 'draft' ? t('interactConsole.polls.lasts', { time: timeLeft(poll.durationSeconds * 1000, 0) }) : t('interactConsole.polls.voters', { count: poll.voters, n: formatCount(poll.voters, lang) })}
        {poll.status === 'open' && (
          <>
            {' · '}
            <strong className="ic-clock" data-testid="ic-poll-left">
              {t('interactConsole.timeLeft', { time: timeLeft(poll.closesAt, now) })}
            </strong>
          </>
        )}
      </p>
      {poll.status === 'draft' ? (
        <ol className="ic-option-list">
          {poll.options.map((o, i) => <li key={i}>{o}</li>)}
        </ol>
      ) : (
        <PollBars poll={poll} lang={lang} />
      )}
      {canRun && poll.status !== 'closed' && (
        <div className="ic-actions">
          {poll.status === 'draft' && (
            <>
              <button type="button" className="btn btn-sm btn-primary" data-testid="ic-poll-open" disabled={busy === key} onClick={() => void act(key, () => interactConsoleApi.pollAction(sessionId, poll.id, 'open'), t('interactConsole.polls.opened'))}>
                {t('interactConsole.polls.open')}
              </button>
              <button
                type="button"
                className="btn btn-sm btn-ghost"
                data-testid="ic-poll-delete"
                disabled={busy === key}
                onClick={() => {
                  if (window.confirm(t('interactConsole.polls.confirmDelete', { question: poll.question }))) void act(key, () => interactConsoleApi.deletePoll(sessionId, poll.id), t('interactConsole.polls.deleted'));
                }}
              >
                {t('interactConsole.delete')}
              </button>
            </>
          )}
          {poll.status === 'open' && (
            <button type="button" className="btn btn-sm" data-testid="ic-poll-close" disabled={busy === key} onClick={() => void act(key, () => interactConsoleApi.pollAction(sessionId, poll.id, 'close'), t('interactConsole.polls.closed'))}>
              {t('interactConsole.polls.close')}
            </button>
          )}
        </div>
      )}
    </article>
  );
}

/** The tally as horizontal bars: label, count and share of voters; the leader highlighted. */
export function PollBars({ poll, lang }: { poll: Pick<PollDetail, 'options' | 'tally' | 'voters'>; lang: string }) {
  const { t } = useTranslation();
  const shares = pollShares(poll.tally, poll.voters);
  return (
    <ul className="ic-bars" data-testid="ic-poll-bars" aria-label={t('interactConsole.polls.results')}>
      {poll.options.map((label, i) => {
        const s = shares[i] ?? { count: 0, percent: 0, width: 0, leading: false };
        return (
          <li key={i} className={s.leading ? 'ic-bar ic-bar-lead' : 'ic-bar'} data-testid="ic-poll-bar" data-count={s.count}>
            <div className="ic-bar-text">
              <span className="ic-bar-label">{label}</span>
              <span className="ic-bar-figure">
                {formatCount(s.count, lang)} · {s.percent}%
              </span>
            </div>
            <div className="ic-bar-track" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={s.percent} aria-label={label}>
              <span style={{ width: `${String(s.width)}%` }} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}

function PollForm({ sessionId, act }: ToolTabProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [question, setQuestion] = useState('');
  const [kind, setKind] = useState<'single' | 'multiple'>('single');
  const [options, setOptions] = useState<string[]>(['', '']);
  const [duration, setDuration] = useState<(typeof DURATIONS)[number]>('60');
  const [saving, setSaving] = useState(false);
  const form = useFormErrors<PollField>(POLL_FIELDS);

  const submit = async (e: { preventDefault: () => void }, openNow: boolean) => {
    e.preventDefault();
    form.clearErrors();
    const mapped = pollFormToBody({ question, kind, options, durationSeconds: Number(duration) });
    if (!mapped.ok) {
      form.setFieldErrors(Object.fromEntries(Object.entries(mapped.problems).map(([f, k]) => [f, [t(`interactConsole.errors.${k}`)]])));
      return;
    }
    setSaving(true);
    try {
      const poll = await interactConsoleApi.createPoll(sessionId, mapped.body);
      if (openNow) await act(`poll:${poll.id}`, () => interactConsoleApi.pollAction(sessionId, poll.id, 'open'), t('interactConsole.polls.opened'));
      else await act('poll:new', () => Promise.resolve(), t('interactConsole.prepared'));
      setOpen(false);
      setQuestion('');
      setOptions(['', '']);
    } catch (err) {
      form.showError(err);
    } finally {
      setSaving(false);
    }
  };

  if (!open) return <NewToolButton label={t('interactConsole.polls.new')} testId="ic-poll-new" onOpen={() => { setOpen(true); }} />;
  const fe = form.fieldErrors;
  return (
    <form className="ic-form" data-testid="ic-poll-form" noValidate onSubmit={(e) => void submit(e, false)}>
      <h4 className="ic-form-title">{t('interactConsole.polls.new')}</h4>
      <InputField type="text" name="question" testId="ic-poll-question" label={t('interactConsole.polls.fields.question')} errors={fe.question} value={question} onValueChange={setQuestion} maxLength={200} />
      <div className="ic-form-row">
        <SelectField name="kind" testId="ic-poll-kind" label={t('interactConsole.polls.fields.kind')} value={kind} options={['single', 'multiple'] as const} optionLabel={(k) => t(`interactConsole.polls.kind.${k}`)} onValueChange={setKind} />
        <SelectField
          name="durationSeconds"
          testId="ic-poll-duration"
          label={t('interactConsole.polls.fields.duration')}
          errors={fe.durationSeconds}
          value={duration}
          options={DURATIONS}
          optionLabel={(d) => timeLeft(Number(d) * 1000, 0)}
          onValueChange={setDuration}
        />
      </div>
      <FormField name="options" label={t('interactConsole.polls.fields.options')} hint={t('interactConsole.polls.optionsHint')} errors={fe.options}>
        {(control) => (
          <div className="ic-option-inputs">
            {options.map((o, i) => (
              <div key={i} className="ic-option-input">
                <input type="text"
                  {...(i === 0 ? control : {})}
                  aria-label={t('interactConsole.polls.optionN', { n: i + 1 })}
                  data-testid="ic-poll-option"
                  value={o}
                  maxLength={80}
                  onChange={(e) => { setOptions((xs) => xs.map((x, j) => (j === i ? e.target.value : x))); }}
                />
                {options.length > 2 && (
                  <button type="button" className="btn btn-sm btn-ghost" aria-label={t('interactConsole.removeOption', { n: i + 1 })} onClick={() => { setOptions((xs) => xs.filter((_, j) => j !== i)); }}>
                    ×
                  </button>
                )}
              </div>
            ))}
            {options.length < 6 && (
              <button type="button" className="btn btn-sm btn-ghost ic-add" data-testid="ic-poll-add-option" onClick={() => { setOptions((xs) => [...xs, '']); }}>
                + {t('interactConsole.addOption')}
              </button>
            )}
          </div>
        )}
      </FormField>
      <FormError message={form.formError} testId="ic-poll-form-error" />
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={() => { setOpen(false); form.clearErrors(); }}>
          {t('interactConsole.discard')}
        </button>
        <button type="submit" className="btn" data-testid="ic-poll-save" disabled={saving}>
          {t('interactConsole.saveDraft')}
        </button>
        <button type="button" className="btn btn-primary" data-testid="ic-poll-save-open" disabled={saving} onClick={(e) => void submit(e, true)}>
          {t('interactConsole.polls.createOpen')}
        </button>
      </div>
    </form>
  );
}
