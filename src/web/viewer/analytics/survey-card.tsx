import { useEffect, useId, useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SurveyState } from '../../../contracts/analytics.contract';
import { api, isApiError } from '../../api/api-client';
import { describeError } from '../../api/describe-error';
import { freshGuestToken, type ViewerIdentity } from '../use-viewer-identity';
import { answeredLocally, checkSurvey, commentLeft, CSAT_SCORES, NPS_SCORES, rememberAnswered, SURVEY_COMMENT_MAX, type SurveyIssue } from './survey-form';
import '../../styles/analytics-viewer.css';

const enc = encodeURIComponent;

async function guestHeaders(identity: ViewerIdentity): Promise<Record<string, string> | undefined> {
  if (identity.kind === 'viewer') return undefined;
  const token = await freshGuestToken();
  return token ? { 'x-guest-token': token } : undefined;
}

export const surveyApi = {
  state: async (sessionId: string, identity: ViewerIdentity, signal?: AbortSignal) =>
    api.get<SurveyState>(`/api/live/${enc(sessionId)}/survey`, { headers: await guestHeaders(identity), signal }),
  answer: async (sessionId: string, identity: ViewerIdentity, body: { csat?: number; nps?: number; comment?: string }) =>
    api.post<SurveyState>(`/api/live/${enc(sessionId)}/survey`, body, { headers: await guestHeaders(identity) }),
};

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

type Phase = 'checking' | 'open' | 'hidden' | 'thanks';

/**
 * The post-live survey (issue 7 item 4): shown once the live has ended, if this viewer (or guest)
 * may still answer. CSAT 1-5, NPS 0-10, an optional comment; once answered it does not come back.
 */
export function SurveyCard({ sessionId, identity }: { sessionId: string; identity: ViewerIdentity }) {
  const { t } = useTranslation();
  const [phase, setPhase] = useState<Phase>(() => (answeredLocally(storage(), sessionId) ? 'hidden' : 'checking'));
  const [csat, setCsat] = useState<number | null>(null);
  const [nps, setNps] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [issue, setIssue] = useState<SurveyIssue | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const commentId = useId();
  const identityKind = identity.kind;

  useEffect(() => {
    if (phase !== 'checking' || identityKind === 'loading' || identityKind === 'anonymous') return;
    const controller = new AbortController();
    surveyApi.state(sessionId, identity, controller.signal).then(
      (s) => {
        if (controller.signal.aborted) return;
        if (s.answered) rememberAnswered(storage(), sessionId);
        setPhase(s.open ? 'open' : 'hidden');
      },
      () => { if (!controller.signal.aborted) setPhase('hidden'); },
    );
    return () => { controller.abort(); };
    // Asked once per identity kind: a sign-in changes who answers.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- identity is read for its token only
  }, [phase, sessionId, identityKind]);

  if (phase === 'checking' || phase === 'hidden') return null;

  if (phase === 'thanks') {
    return (
      <section className="card survey-card survey-thanks" aria-live="polite" data-testid="survey-thanks">
        <p className="survey-thanks-mark" aria-hidden="true">
          ✓
        </p>
        <h2 className="survey-title">{t('analyticsViewer.survey.thanks')}</h2>
        <p className="muted">{t('analyticsViewer.survey.thanksBody')}</p>
      </section>
    );
  }

  const submit = async (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    const check = checkSurvey({ csat, nps, comment });
    if (!check.ok) {
      setIssue(check.issue);
      return;
    }
    setIssue(null);
    setError(null);
    setBusy(true);
    try {
      await surveyApi.answer(sessionId, identity, check.body);
      rememberAnswered(storage(), sessionId);
      setPhase('thanks');
    } catch (err) {
      if (isApiError(err) && err.code === 'ALREADY_ANSWERED') {
        rememberAnswered(storage(), sessionId);
        setPhase('thanks');
      } else if (isApiError(err) && (err.code === 'SURVEY_CLOSED' || err.code === 'SURVEY_NOT_OPEN')) {
        setError(t(err.code === 'SURVEY_CLOSED' ? 'analyticsViewer.survey.closed' : 'analyticsViewer.survey.notOpen'));
      } else {
        setError(describeError(t, err, 'viewer'));
      }
    } finally {
      setBusy(false);
    }
  };

  const left = commentLeft(comment);
  return (
    <section className="card survey-card" aria-labelledby={titleId} data-testid="survey-card">
      <div className="survey-head">
        <h2 id={titleId} className="survey-title">
          {t('analyticsViewer.survey.title')}
        </h2>
        <button type="button" className="btn btn-ghost btn-sm" data-testid="survey-later" onClick={() => { setPhase('hidden'); }}>
          {t('analyticsViewer.survey.later')}
        </button>
      </div>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className="survey-question">
          <legend>{t('analyticsViewer.survey.csatQuestion')}</legend>
          <div className="survey-stars" role="group" data-testid="survey-csat">
            {CSAT_SCORES.map((n) => (
              <button
                key={n}
                type="button"
                className={csat !== null && n <= csat ? 'survey-star on' : 'survey-star'}
                aria-pressed={csat === n}
                aria-label={t('analyticsViewer.survey.csatOption', { n, label: t(`analyticsViewer.survey.csatLabel.${String(n)}`) })}
                data-testid={`survey-csat-${String(n)}`}
                onClick={() => { setCsat(csat === n ? null : n); setIssue(null); }}
              >
                <span aria-hidden="true">★</span>
              </button>
            ))}
            <span className="survey-star-label muted small" aria-hidden="true">
              {csat !== null ? t(`analyticsViewer.survey.csatLabel.${String(csat)}`) : ''}
            </span>
          </div>
        </fieldset>
        <fieldset className="survey-question">
          <legend>{t('analyticsViewer.survey.npsQuestion')}</legend>
          <div className="survey-nps" role="group" data-testid="survey-nps">
            {NPS_SCORES.map((n) => (
              <button
                key={n}
                type="button"
                className={nps === n ? 'survey-nps-btn on' : 'survey-nps-btn'}
                aria-pressed={nps === n}
                aria-label={t('analyticsViewer.survey.npsOption', { n })}
                data-testid={`survey-nps-${String(n)}`}
                onClick={() => { setNps(nps === n ? null : n); setIssue(null); }}
              >
                {n}
              </button>
            ))}
          </div>
          <div className="survey-nps-ends muted small" aria-hidden="true">
            <span>{t('analyticsViewer.survey.npsLow')}</span>
            <span>{t('analyticsViewer.survey.npsHigh')}</span>
          </div>
        </fieldset>
        <div className="field survey-comment">
          <label className="field-label" htmlFor={commentId}>
            {t('analyticsViewer.survey.comment')}
          </label>
          <textarea
            id={commentId}
            rows={3}
            value={comment}
            maxLength={SURVEY_COMMENT_MAX + 50}
            aria-invalid={left < 0}
            aria-describedby={`${commentId}-left`}
            data-testid="survey-comment"
            onChange={(e) => { setComment(e.target.value); if (issue === 'comment_too_long') setIssue(null); }}
          />
          <span id={`${commentId}-left`} className={left < 0 ? 'field-hint survey-left over' : 'field-hint survey-left'}>
            {t('analyticsViewer.survey.left', { count: left })}
          </span>
        </div>
        {(issue || error) && (
          <p className="form-error" role="alert" data-testid="survey-error">
            {issue ? t(`analyticsViewer.survey.issue.${issue}`, { max: SURVEY_COMMENT_MAX }) : error}
          </p>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="survey-submit">
          {t('analyticsViewer.survey.submit')}
        </button>
      </form>
    </section>
  );
}
