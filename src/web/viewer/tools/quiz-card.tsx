import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QuizView } from '../../room/room-protocol';
import { describeToolError } from './tool-error';
import { ToolCard, ToolError } from './tool-card';
import { formatClock, msLeft } from './tool-format';

const LEADERS_SHOWN = 10;

/** A quiz: the current question with its time left, one answer, the reveal, and the top 10. */
export function QuizCard({
  quiz,
  serverNow,
  myAnswers,
  isViewer,
  onAnswer,
  onNeedSignIn,
  onDismiss,
}: {
  quiz: QuizView;
  serverNow: number;
  /** question index (as text) -> choice */
  myAnswers: Record<string, number> | undefined;
  isViewer: boolean;
  onAnswer: (index: number, choice: number) => Promise<void>;
  onNeedSignIn: () => void;
  onDismiss?: (() => void) | undefined;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const q = quiz.current;
  const mine = q ? myAnswers?.[String(q.index)] : undefined;
  const revealed = q?.correctIndex !== undefined;
  const left = q ? msLeft(q.closesAt, serverNow) : 0;
  const asking = quiz.status === 'asking' && q !== null && !revealed && left > 0;

  const pick = async (choice: number) => {
    if (!q || busy || mine !== undefined) return;
    setBusy(true);
    setError(null);
    try {
      await onAnswer(q.index, choice);
    } catch (err) {
      setError(describeToolError(t, err));
    } finally {
      setBusy(false);
    }
  };

  const meta = q ? (
    asking ? (
      <span data-testid="quiz-time-left">{t('interactViewer.quiz.timeLeft', { time: formatClock(left) })}</span>
    ) : revealed ? (
      t('interactViewer.quiz.revealed')
    ) : null
  ) : quiz.status === 'finished' ? (
    t('interactViewer.quiz.finished')
  ) : null;

  return (
    <ToolCard kind="quiz" tag={t('interactViewer.quiz.label')} title={quiz.title} ended={quiz.status === 'finished'} onDismiss={quiz.status === 'finished' ? onDismiss : undefined} testId="tool-quiz" meta={meta}>
      {q && quiz.status !== 'finished' && (
        <>
          <p className="quiz-progress small muted">{t('interactViewer.quiz.question', { n: q.index + 1, total: quiz.questionCount })}</p>
          <p className="quiz-prompt" data-testid="quiz-prompt">
            {q.prompt}
          </p>
          <div className="quiz-options">
            {q.options.map((label, i) => {
              const cls = ['quiz-option'];
              if (mine === i) cls.push('quiz-mine');
              if (revealed && q.correctIndex === i) cls.push('quiz-correct');
              if (revealed && mine === i && q.correctIndex !== i) cls.push('quiz-wrong');
              return (
                <button
                  key={i}
                  type="button"
                  className={cls.join(' ')}
                  data-testid="quiz-option"
                  disabled={!asking || !isViewer || mine !== undefined || busy}
                  aria-pressed={mine === i}
                  onClick={() => void pick(i)}
                >
                  <span className="quiz-letter" aria-hidden="true">{String.fromCharCode(65 + i)}</span>
                  {label}
                </button>
              );
            })}
          </div>
          <footer className="tool-foot">
            <span className="muted small">{t('interactViewer.quiz.answers', { count: q.answerCount })}</span>
            {asking && !isViewer && (
              <button type="button" className="btn btn-sm" data-testid="quiz-signin" onClick={onNeedSignIn}>
                {t('interactViewer.quiz.signInToAnswer')}
              </button>
            )}
            {!revealed && mine !== undefined && <span className="tool-ok small">{t('interactViewer.quiz.answered')}</span>}
            {revealed && isViewer && (
              <span className={mine === q.correctIndex ? 'tool-ok small' : 'muted small'} data-testid="quiz-verdict">
                {mine === undefined ? t('interactViewer.quiz.missed') : mine === q.correctIndex ? t('interactViewer.quiz.correct') : t('interactViewer.quiz.wrong')}
              </span>
            )}
          </footer>
        </>
      )}
      {!q && quiz.status !== 'finished' && <p className="muted small">{t('interactViewer.quiz.waiting')}</p>}
      {quiz.leaderboard.length > 0 && (revealed || quiz.status !== 'asking') && (
        <div className="quiz-board">
          <span className="small muted">{t('interactViewer.quiz.leaderboard')}</span>
          <ol data-testid="quiz-leaderboard">
            {quiz.leaderboard.slice(0, LEADERS_SHOWN).map((l) => (
              <li key={`${String(l.rank)}-${l.name}`}>
                <span className="quiz-rank">{l.rank}</span>
                <span className="quiz-name">{l.name}</span>
                <span className="quiz-points">{t('interactViewer.quiz.points', { count: l.points })}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
      <ToolError message={error} testId="quiz-error" />
    </ToolCard>
  );
}
