// The post-live survey's answers, checked before they are sent (the server checks the same).
// Same as the contract's SURVEY_COMMENT_MAX (checked by the test; the contract brings zod, kept out of the bundle).
export const SURVEY_COMMENT_MAX = 500;
export const CSAT_SCORES = [1, 2, 3, 4, 5] as const;
export const NPS_SCORES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

export interface SurveyDraft {
  csat: number | null;
  nps: number | null;
  comment: string;
}

export type SurveyIssue = 'need_answer' | 'comment_too_long';
export type SurveyCheck = { ok: true; body: { csat?: number; nps?: number; comment?: string } } | { ok: false; issue: SurveyIssue };

/** At least one of CSAT and NPS; the comment trimmed and at most SURVEY_COMMENT_MAX characters (left out when empty). */
export function checkSurvey(d: SurveyDraft): SurveyCheck {
  const comment = d.comment.trim();
  if (comment.length > SURVEY_COMMENT_MAX) return { ok: false, issue: 'comment_too_long' };
  const csat = d.csat !== null && Number.isInteger(d.csat) && d.csat >= 1 && d.csat <= 5 ? d.csat : null;
  const nps = d.nps !== null && Number.isInteger(d.nps) && d.nps >= 0 && d.nps <= 10 ? d.nps : null;
  if (csat === null && nps === null) return { ok: false, issue: 'need_answer' };
  return { ok: true, body: { ...(csat !== null ? { csat } : {}), ...(nps !== null ? { nps } : {}), ...(comment ? { comment } : {}) } };
}

/** Characters left for the comment (negative when over). */
export function commentLeft(comment: string): number {
  return SURVEY_COMMENT_MAX - comment.trim().length;
}

// Answered here: the card does not come back in this browser even before the server is asked.
const KEY = 'onair.survey.answered';

export function answeredLocally(storage: Pick<Storage, 'getItem'> | null, sessionId: string): boolean {
  try {
    const raw = storage?.getItem(KEY);
    return raw ? (JSON.parse(raw) as unknown[]).includes(sessionId) : false;
  } catch {
    return false;
  }
}

export function rememberAnswered(storage: Pick<Storage, 'getItem' | 'setItem'> | null, sessionId: string): void {
  try {
    const raw = storage?.getItem(KEY);
    const list = raw ? (JSON.parse(raw) as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    if (!list.includes(sessionId)) list.push(sessionId);
    storage?.setItem(KEY, JSON.stringify(list.slice(-100)));
  } catch {
    // Not remembered here; the server still refuses a second answer.
  }
}
