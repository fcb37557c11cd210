import { useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { codePointLength, type QuestionView } from '../../room/room-protocol';
import { describeToolError } from './tool-error';
import { ToolError } from './tool-card';

const MIN_QUESTION = 3;
const MAX_QUESTION = 300;

/** Questions for the host: ask (signed in), the list by votes with upvotes, "answering now" first, answers shown. */
export function QnaSheet({
  questions,
  viewerId,
  upvoted,
  onAsk,
  onUpvote,
  onNeedSignIn,
}: {
  questions: QuestionView[];
  viewerId: string | null;
  upvoted: readonly string[];
  onAsk: (text: string) => Promise<void>;
  onUpvote: (questionId: string) => Promise<void>;
  onNeedSignIn: () => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const length = codePointLength(text.trim());

  const submit = async (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy || length < MIN_QUESTION || length > MAX_QUESTION) return;
    setBusy(true);
    setError(null);
    try {
      await onAsk(text.trim());
      setText('');
      setSent(true);
    } catch (err) {
      setError(describeToolError(t, err));
    } finally {
      setBusy(false);
    }
  };
  const up = async (id: string) => {
    setError(null);
    try {
      await onUpvote(id);
    } catch (err) {
      setError(describeToolError(t, err));
    }
  };

  return (
    <section className="qna-sheet" data-testid="qna-sheet" aria-label={t('interactViewer.qna.title')}>
      {viewerId !== null ? (
        <form className="qna-ask" onSubmit={(e) => void submit(e)} noValidate>
          <input
            type="text"
            value={text}
            maxLength={MAX_QUESTION + 20}
            placeholder={t('interactViewer.qna.placeholder')}
            aria-label={t('interactViewer.qna.placeholder')}
            data-testid="qna-input"
            onChange={(e) => {
              setText(e.target.value);
              setSent(false);
            }}
          />
          <button type="submit" className="btn btn-primary btn-sm" data-testid="qna-ask" disabled={busy || length < MIN_QUESTION || length > MAX_QUESTION}>
            {busy ? t('interactViewer.qna.asking') : t('interactViewer.qna.ask')}
          </button>
        </form>
      ) : (
        <div className="chat-hint">
          <span>{t('interactViewer.qna.signInToAsk')}</span>
          <button type="button" className="btn btn-sm" data-testid="qna-signin" onClick={onNeedSignIn}>
            {t('interactViewer.signIn')}
          </button>
        </div>
      )}
      {sent && <p className="tool-ok small" role="status">{t('interactViewer.qna.sent')}</p>}
      <ToolError message={error} testId="qna-error" />
      {questions.length === 0 ? (
        <p className="muted small">{t('interactViewer.qna.empty')}</p>
      ) : (
        <ol className="qna-list" data-testid="qna-list">
          {questions.map((q) => {
            const mine = q.uid === viewerId;
            const didUpvote = upvoted.includes(q.id);
            return (
              <li key={q.id} className={`qna-item qna-${q.status}`} data-testid="qna-item" data-status={q.status}>
                <div className="qna-body">
                  {q.status === 'answering' && <span className="qna-badge qna-badge-live">{t('interactViewer.qna.answeringNow')}</span>}
                  {q.status === 'answered' && <span className="qna-badge">{t('interactViewer.qna.answered')}</span>}
                  <p className="qna-text">{q.text}</p>
                  <span className="small muted">{q.name}</span>
                  {q.answerText && (
                    <p className="qna-answer">
                      <strong>{t('interactViewer.qna.answer')}:</strong> {q.answerText}
                    </p>
                  )}
                </div>
                <button
                  type="button"
                  className={didUpvote ? 'qna-up qna-up-done' : 'qna-up'}
                  data-testid="qna-upvote"
                  aria-pressed={didUpvote}
                  aria-label={`${didUpvote ? t('interactViewer.qna.upvoted') : t('interactViewer.qna.upvote')} (${t('interactViewer.qna.upvotes', { count: q.upvotes })})`}
                  disabled={viewerId === null || mine || didUpvote || q.status === 'answered'}
                  onClick={() => void up(q.id)}
                >
                  <span aria-hidden="true">▲</span>
                  <span>{q.upvotes}</span>
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

/** "Answering now" over the video: the question the host is on. */
export function AnsweringBanner({ question }: { question: QuestionView | undefined }) {
  const { t } = useTranslation();
  if (!question) return null;
  return (
    <div className="stage-answering" role="status" data-testid="answering-banner">
      <span className="qna-badge qna-badge-live">{t('interactViewer.qna.answeringNow')}</span>
      <span className="stage-answering-text">
        {question.text} <span className="stage-answering-name">— {question.name}</span>
      </span>
    </div>
  );
}
