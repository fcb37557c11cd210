import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { interactConsoleApi, type QuizDetail } from '../../api/interact-console-api';
import { promotionsApi } from '../../api/promotions-api';
import { useAuth } from '../../auth/auth-context';
import { PERMISSIONS } from '../../auth/permissions';
import { FormError, InputField, SelectField } from '../../components/form-field';
import { formatCount } from '../../format/money-format';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormErrors } from '../../hooks/use-form-errors';
import { emptyQuizQuestion, quizFormToBody, timeLeft, type QuizField, type QuizForm as QuizFormState } from './interact-format';
import { NewToolButton, ToolStages } from './tool-section';
import type { ToolTabProps } from './tool-props';

const QUIZ_FIELDS: readonly QuizField[] = ['title', 'questions', 'rewardTopN', 'points', 'templateId'];
const LEADERS_SHOWN = 10;

/** Quizzes: the one running (question, answers so far, time left, leaderboard), prepared ones, finished ones. */
export function QuizTab(props: ToolTabProps) {
  const { t } = useTranslation();
  const { data, canRun } = props;
  const running = data.quizzes.filter((q) => q.status === 'asking' || q.status === 'revealed');
  const drafts = data.quizzes.filter((q) => q.status === 'draft');
  const finished = data.quizzes.filter((q) => q.status === 'finished').reverse();
  return (
    <ToolStages
      live={running}
      prepared={drafts}
      ended={finished}
      emptyLive={t('interactConsole.quiz.noneRunning')}
      emptyPrepared={t('interactConsole.quiz.noneDraft')}
      testIds={['ic-quiz-running', 'ic-quiz-draft', 'ic-quiz-finished']}
      endedCollapsible
      form={canRun && <QuizForm {...props} />}
      render={(q) => <QuizCard key={q.id} quiz={q} {...props} />}
    />
  );
}

function QuizCard({ quiz, sessionId, now, canRun, act, busy }: ToolTabProps & { quiz: QuizDetail }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const key = `quiz:${quiz.id}`;
  const cur = quiz.current;
  // The console knows the right answer all along (from the quiz's own questions); the room only after the window.
  const correct = cur ? (quiz.questions[cur.index]?.correctIndex ?? cur.correctIndex) : undefined;
  const windowOpen = cur !== null && cur.closesAt > now;
  const hasNext = cur === null ? quiz.questionCount > 0 : cur.index + 1 < quiz.questionCount;
  const fire = (action: 'ask' | 'reveal' | 'finish') => {
    if (action === 'finish' && !window.confirm(t('interactConsole.quiz.confirmFinish', { title: quiz.title }))) return;
    void act(key, () => interactConsoleApi.quizAction(sessionId, quiz.id, action), t(`interactConsole.quiz.done.${action}`));
  };
  return (
    <article className={`ic-card ic-card-${quiz.status}`} data-testid="ic-quiz" data-quiz-id={quiz.id} data-status={quiz.status}>
      <header className="ic-card-head">
        <span className={`badge ic-status-${quiz.status}`}>{t(`interactConsole.quiz.status.${quiz.status}`)}</span>
        <h4 className="ic-card-title">{quiz.title}</h4>
      </header>
      <p className="ic-meta">
        {cur ? t('interactConsole.quiz.questionOf', { n: cur.index + 1, total: quiz.questionCount }) : t('interactConsole.quiz.questions', { count: quiz.questionCount })}
        {quiz.rewardTopN > 0 && quiz.reward.kind !== 'none' && (
          <>
            {' · '}
            {t(`interactConsole.quiz.reward.${quiz.reward.kind}`, { count: quiz.rewardTopN, points: quiz.reward.points ?? 0 })}
          </>
        )}
      </p>
      {cur && quiz.status !== 'finished' && (
        <div className="ic-quiz-current">
          <p className="ic-quiz-prompt">{cur.prompt}</p>
          <ol className="ic-option-list">
            {cur.options.map((o, i) => (
              <li key={i} className={i === correct ? 'ic-correct' : undefined}>
                {o} {i === correct && <span className="badge tone-ok">{t('interactConsole.quiz.correct')}</span>}
              </li>
            ))}
          </ol>
          <dl className="ic-figures">
            <div>
              <dt>{t('interactConsole.quiz.answers')}</dt>
              <dd data-testid="ic-quiz-answers">{formatCount(cur.answerCount, lang)}</dd>
            </div>
            <div>
              <dt>{t('interactConsole.quiz.window')}</dt>
              <dd className="ic-clock" data-testid="ic-quiz-left">
                {windowOpen ? timeLeft(cur.closesAt, now) : t('interactConsole.quiz.windowClosed')}
              </dd>
            </div>
          </dl>
        </div>
      )}
      {quiz.leaderboard.length > 0 && (
        <table className="ic-leaders" data-testid="ic-quiz-leaders">
          <caption>{t('interactConsole.quiz.leaderboard')}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('interactConsole.quiz.name')}</th>
              <th scope="col">{t('interactConsole.quiz.correctCount')}</th>
              <th scope="col">{t('interactConsole.quiz.points')}</th>
            </tr>
          </thead>
          <tbody>
            {quiz.leaderboard.slice(0, LEADERS_SHOWN).map((l) => (
              <tr key={`${String(l.rank)}-${l.name}`} className={l.rank <= quiz.rewardTopN ? 'ic-rewarded' : undefined}>
                <td>{l.rank}</td>
                <td>{l.name}</td>
                <td>{l.correct}</td>
                <td>{formatCount(l.points, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canRun && quiz.status !== 'finished' && (
        <div className="ic-actions">
          {quiz.status === 'draft' && (
            <button type="button" className="btn btn-sm btn-primary" data-testid="ic-quiz-ask" disabled={busy === key} onClick={() => { fire('ask'); }}>
              {t('interactConsole.quiz.start')}
            </button>
          )}
          {quiz.status === 'asking' && (
            <button type="button" className="btn btn-sm btn-primary" data-testid="ic-quiz-reveal" disabled={busy === key} title={windowOpen ? t('interactConsole.quiz.revealEarly') : undefined} onClick={() => { fire('reveal'); }}>
              {t('interactConsole.quiz.reveal')}
            </button>
          )}
          {quiz.status === 'revealed' && hasNext && (
            <button type="button" className="btn btn-sm btn-primary" data-testid="ic-quiz-next" disabled={busy === key} onClick={() => { fire('ask'); }}>
              {t('interactConsole.quiz.next')}
            </button>
          )}
          {quiz.status !== 'draft' && (
            <button type="button" className={quiz.status === 'revealed' && !hasNext ? 'btn btn-sm btn-primary' : 'btn btn-sm'} data-testid="ic-quiz-finish" disabled={busy === key} onClick={() => { fire('finish'); }}>
              {t('interactConsole.quiz.finish')}
            </button>
          )}
        </div>
      )}
    </article>
  );
}

function QuizForm({ sessionId, act }: ToolTabProps) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [open, setOpen] = useState(false);
  const [f, setF] = useState<QuizFormState>(() => ({ title: '', questions: [emptyQuizQuestion()], rewardTopN: '3', rewardKind: 'none', rewardPoints: '100', rewardTemplateId: '' }));
  const [saving, setSaving] = useState(false);
  const form = useFormErrors<QuizField>(QUIZ_FIELDS);
  const templates = useApiResource((signal) => (open && can(PERMISSIONS.promotionsRead) ? promotionsApi.templates(signal) : Promise.resolve({ items: [] })), [open, can]);
  const fe = form.fieldErrors;
  const setQ = (i: number, patch: Partial<QuizFormState['questions'][number]>) => { setF((x) => ({ ...x, questions: x.questions.map((q, j) => (j === i ? { ...q, ...patch } : q)) })); };

  const submit = async (e: { preventDefault: () => void }) => {
    e.preventDefault();
    form.clearErrors();
    const mapped = quizFormToBody(f);
    if (!mapped.ok) {
      form.setFieldErrors(Object.fromEntries(Object.entries(mapped.problems).map(([k, v]) => [k, [t(`interactConsole.errors.${v}`)]])));
      return;
    }
    setSaving(true);
    try {
      await interactConsoleApi.createQuiz(sessionId, mapped.body);
      await act('quiz:new', () => Promise.resolve(), t('interactConsole.prepared'));
      setOpen(false);
      setF((x) => ({ ...x, title: '', questions: [emptyQuizQuestion()] }));
    } catch (err) {
      form.showError(err);
    } finally {
      setSaving(false);
    }
  };

  if (!open) return <NewToolButton label={t('interactConsole.quiz.new')} testId="ic-quiz-new" onOpen={() => { setOpen(true); }} />;
  const coupons = templates.data?.items.filter((c) => c.status === 'active') ?? [];
  return (
    <form className="ic-form" data-testid="ic-quiz-form" noValidate onSubmit={(e) => void submit(e)}>
      <h4 className="ic-form-title">{t('interactConsole.quiz.new')}</h4>
      <InputField type="text" name="title" testId="ic-quiz-title" label={t('interactConsole.quiz.fields.title')} errors={fe.title} value={f.title} maxLength={120} onValueChange={(v) => { setF((x) => ({ ...x, title: v })); }} />
      {f.questions.map((q, i) => (
        <fieldset key={i} className="ic-quiz-q" data-testid="ic-quiz-question">
          <legend className="field-label">{t('interactConsole.quiz.questionN', { n: i + 1 })}</legend>
          <input type="text" aria-label={t('interactConsole.quiz.fields.prompt')} placeholder={t('interactConsole.quiz.fields.prompt')} data-testid="ic-quiz-prompt" value={q.prompt} maxLength={300} onChange={(e) => { setQ(i, { prompt: e.target.value }); }} />
          {q.options.map((o, j) => (
            <div key={j} className="ic-option-input">
              <input type="radio" name={`ic-quiz-correct-${String(i)}`} aria-label={t('interactConsole.quiz.markCorrect', { n: j + 1 })} checked={q.correctIndex === j} onChange={() => { setQ(i, { correctIndex: j }); }} />
              <input type="text"
                aria-label={t('interactConsole.polls.optionN', { n: j + 1 })}
                placeholder={t('interactConsole.polls.optionN', { n: j + 1 })}
                data-testid="ic-quiz-option"
                value={o}
                maxLength={120}
                onChange={(e) => { setQ(i, { options: q.options.map((x, k) => (k === j ? e.target.value : x)) }); }}
              />
              {q.options.length > 2 && (
                <button type="button" className="btn btn-sm btn-ghost" aria-label={t('interactConsole.removeOption', { n: j + 1 })} onClick={() => { setQ(i, { options: q.options.filter((_, k) => k !== j), correctIndex: q.correctIndex >= j && q.correctIndex > 0 ? q.correctIndex - 1 : q.correctIndex }); }}>
                  ×
                </button>
              )}
            </div>
          ))}
          <div className="ic-quiz-q-foot">
            {q.options.length < 6 && (
              <button type="button" className="btn btn-sm btn-ghost ic-add" onClick={() => { setQ(i, { options: [...q.options, ''] }); }}>
                + {t('interactConsole.addOption')}
              </button>
            )}
            <label className="ic-inline">
              {t('interactConsole.quiz.fields.windowSeconds')}
              <input type="text" inputMode="numeric" className="ic-short" value={q.windowSeconds} onChange={(e) => { setQ(i, { windowSeconds: e.target.value }); }} />
            </label>
            {f.questions.length > 1 && (
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => { setF((x) => ({ ...x, questions: x.questions.filter((_, k) => k !== i) })); }}>
                {t('interactConsole.quiz.removeQuestion')}
              </button>
            )}
          </div>
        </fieldset>
      ))}
      {fe.questions && <ul className="field-errors" data-testid="field-error-questions">{fe.questions.map((m, k) => <li key={k}>{m}</li>)}</ul>}
      {f.questions.length < 50 && (
        <button type="button" className="btn btn-sm ic-add" data-testid="ic-quiz-add-question" onClick={() => { setF((x) => ({ ...x, questions: [...x.questions, emptyQuizQuestion()] })); }}>
          + {t('interactConsole.quiz.addQuestion')}
        </button>
      )}
      <div className="ic-form-row">
        <SelectField name="rewardKind" testId="ic-quiz-reward" label={t('interactConsole.quiz.fields.reward')} value={f.rewardKind} options={['none', 'points', 'coupon'] as const} optionLabel={(k) => t(`interactConsole.quiz.rewardKind.${k}`)} onValueChange={(v) => { setF((x) => ({ ...x, rewardKind: v })); }} />
        {f.rewardKind !== 'none' && <InputField type="text" name="rewardTopN" testId="ic-quiz-topn" label={t('interactConsole.quiz.fields.rewardTopN')} errors={fe.rewardTopN} inputMode="numeric" value={f.rewardTopN} onValueChange={(v) => { setF((x) => ({ ...x, rewardTopN: v })); }} />}
      </div>
      {f.rewardKind === 'points' && <InputField type="text" name="points" testId="ic-quiz-points" label={t('interactConsole.quiz.fields.points')} errors={fe.points} inputMode="numeric" value={f.rewardPoints} onValueChange={(v) => { setF((x) => ({ ...x, rewardPoints: v })); }} />}
      {f.rewardKind === 'coupon' && (
        <SelectField
          name="templateId"
          testId="ic-quiz-coupon"
          label={t('interactConsole.draws.fields.coupon')}
          errors={fe.templateId}
          value={f.rewardTemplateId}
          options={['', ...coupons.map((c) => c.id)]}
          optionLabel={(id) => (id === '' ? t('interactConsole.draws.chooseCoupon') : (coupons.find((c) => c.id === id)?.name ?? id))}
          onValueChange={(v) => { setF((x) => ({ ...x, rewardTemplateId: v })); }}
        />
      )}
      <FormError message={form.formError} testId="ic-quiz-form-error" />
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={() => { setOpen(false); form.clearErrors(); }}>
          {t('interactConsole.discard')}
        </button>
        <button type="submit" className="btn btn-primary" data-testid="ic-quiz-save" disabled={saving}>
          {t('interactConsole.saveDraft')}
        </button>
      </div>
    </form>
  );
}
