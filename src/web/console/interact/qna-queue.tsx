import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { interactConsoleApi, type QuestionView } from '../../api/interact-console-api';
import { describeError } from '../../api/describe-error';
import { FormError } from '../../components/form-field';
import { answerMinutes, formatTime, questionQueue } from './interact-format';
import { ToolSection } from './tool-section';
import type { ToolTabProps } from './tool-props';

/**
 * The Q&A queue: the question being answered now (shown to the room), the waiting ones by
 * upvotes then age, and the answered ones (they stay visible in the room). Hosts steer the queue
 * (interact:run); customer service answers in text (qna:answer).
 */
export function QnaQueue(props: ToolTabProps & { canAnswer: boolean }) {
  const { t } = useTranslation();
  const queue = questionQueue(props.data.questions);
  return (
    <>
      <p className="muted small">{t('interactConsole.qna.hint')}</p>
      <ToolSection title={t('interactConsole.qna.answeringNow')} empty={t('interactConsole.qna.noneAnswering')} count={queue.answering.length} testId="ic-qna-answering">
        {queue.answering.map((q) => <QuestionItem key={q.id} q={q} {...props} />)}
      </ToolSection>
      <ToolSection title={t('interactConsole.qna.waiting')} empty={t('interactConsole.qna.noneWaiting')} count={queue.waiting.length} testId="ic-qna-waiting">
        {queue.waiting.map((q) => <QuestionItem key={q.id} q={q} {...props} />)}
      </ToolSection>
      {queue.answered.length > 0 && (
        <ToolSection title={t('interactConsole.qna.answered')} count={queue.answered.length} testId="ic-qna-answered">
          {queue.answered.map((q) => <QuestionItem key={q.id} q={q} {...props} />)}
        </ToolSection>
      )}
    </>
  );
}

function QuestionItem({ q, sessionId, canRun, canAnswer, act, busy }: ToolTabProps & { q: QuestionView; canAnswer: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const [writing, setWriting] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const key = `q:${q.id}`;
  const steer = (action: 'answering' | 'release' | 'dismiss') => {
    if (action === 'dismiss' && !window.confirm(t('interactConsole.qna.confirmDismiss'))) return;
    void act(key, () => interactConsoleApi.questionAction(sessionId, q.id, action), t(`interactConsole.qna.done.${action}`));
  };
  const markAnswered = () => void act(key, () => interactConsoleApi.answered(sessionId, q.id, {}), t('interactConsole.qna.done.answered'));
  // An answer in text reports its own errors under the text box (the server names answerText).
  const sendAnswer = async (answerText: string) => {
    setError(null);
    setSending(true);
    try {
      await interactConsoleApi.answered(sessionId, q.id, { answerText });
      setWriting(false);
      setText('');
      await act(key, () => Promise.resolve(), t('interactConsole.qna.done.answered'));
    } catch (err) {
      setError(describeError(t, err));
    } finally {
      setSending(false);
    }
  };
  const minutes = answerMinutes(q.askedAt, q.answeredAt);
  const open = q.status === 'submitted' || q.status === 'answering';
  return (
    <article className={`ic-card ic-q ic-q-${q.status}`} data-testid="ic-question" data-question-id={q.id} data-status={q.status}>
      <div className="ic-q-main">
        <span className="ic-votes" title={t('interactConsole.qna.upvotes', { count: q.upvotes })} aria-label={t('interactConsole.qna.upvotes', { count: q.upvotes })}>
          ▲ <strong>{q.upvotes}</strong>
        </span>
        <div className="ic-q-text">
          <p>{q.text}</p>
          <p className="ic-meta">
            {q.name} · {formatTime(q.askedAt, lang)}
            {minutes !== null && ` · ${minutes === 0 ? t('interactConsole.qna.answeredSoon') : t('interactConsole.qna.answeredIn', { count: minutes })}`}
          </p>
          {q.answerText && (
            <p className="ic-answer" data-testid="ic-question-answer">
              {q.answerText}
            </p>
          )}
        </div>
      </div>
      {open && canRun && (
        <button type="button" className="ic-q-dismiss" data-testid="ic-q-dismiss" aria-label={t('interactConsole.qna.dismiss')} title={t('interactConsole.qna.dismiss')} disabled={busy === key} onClick={() => { steer('dismiss'); }}>
          ×
        </button>
      )}
      {open && (canRun || canAnswer) && (
        <div className="ic-actions">
          {canRun && q.status === 'submitted' && (
            <button type="button" className="btn btn-sm btn-primary" data-testid="ic-q-answering" disabled={busy === key} onClick={() => { steer('answering'); }}>
              {t('interactConsole.qna.answerNow')}
            </button>
          )}
          {canRun && q.status === 'answering' && (
            <>
              <button type="button" className="btn btn-sm btn-primary" data-testid="ic-q-answered" disabled={busy === key} onClick={markAnswered}>
                {t('interactConsole.qna.markAnswered')}
              </button>
              <button type="button" className="btn btn-sm" data-testid="ic-q-release" disabled={busy === key} onClick={() => { steer('release'); }}>
                {t('interactConsole.qna.release')}
              </button>
            </>
          )}
          {canAnswer && !writing && (
            <button type="button" className="btn btn-sm" data-testid="ic-q-write" onClick={() => { setWriting(true); }}>
              {t('interactConsole.qna.answerInText')}
            </button>
          )}
        </div>
      )}
      {writing && (
        <form
          className="ic-answer-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (text.trim() === '') {
              setError(t('interactConsole.errors.required'));
              return;
            }
            void sendAnswer(text.trim());
          }}
        >
          <textarea aria-label={t('interactConsole.qna.answerLabel')} data-testid="ic-q-answer-text" rows={3} maxLength={2000} value={text} onChange={(e) => { setText(e.target.value); }} />
          <FormError message={error} testId="ic-q-answer-error" />
          <div className="form-actions">
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => { setWriting(false); setError(null); }}>
              {t('interactConsole.discard')}
            </button>
            <button type="submit" className="btn btn-sm btn-primary" data-testid="ic-q-answer-send" disabled={sending}>
              {t('interactConsole.qna.sendAnswer')}
            </button>
          </div>
        </form>
      )}
    </article>
  );
}
