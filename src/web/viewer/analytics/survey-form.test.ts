import { describe, expect, it } from 'vitest';
import { SURVEY_COMMENT_MAX as CONTRACT_MAX } from '../../../contracts/analytics.contract';
import { answeredLocally, checkSurvey, commentLeft, rememberAnswered, SURVEY_COMMENT_MAX } from './survey-form';

describe('checkSurvey', () => {
  it('uses the contract\'s comment limit', () => {
    expect(SURVEY_COMMENT_MAX).toBe(CONTRACT_MAX);
  });
  it('needs CSAT or NPS', () => {
    expect(checkSurvey({ csat: null, nps: null, comment: 'nice' })).toEqual({ ok: false, issue: 'need_answer' });
    expect(checkSurvey({ csat: 4, nps: null, comment: '' })).toEqual({ ok: true, body: { csat: 4 } });
    expect(checkSurvey({ csat: null, nps: 0, comment: '  ' })).toEqual({ ok: true, body: { nps: 0 } });
  });
  it('trims the comment and refuses one over the limit', () => {
    expect(checkSurvey({ csat: 5, nps: 10, comment: '  great tea  ' })).toEqual({ ok: true, body: { csat: 5, nps: 10, comment: 'great tea' } });
    expect(checkSurvey({ csat: 5, nps: null, comment: 'x'.repeat(SURVEY_COMMENT_MAX) }).ok).toBe(true);
    expect(checkSurvey({ csat: 5, nps: null, comment: 'x'.repeat(SURVEY_COMMENT_MAX + 1) })).toEqual({ ok: false, issue: 'comment_too_long' });
    expect(commentLeft(` ${'x'.repeat(490)} `)).toBe(10);
  });
  it('ignores out-of-range scores', () => {
    expect(checkSurvey({ csat: 6, nps: 11, comment: '' })).toEqual({ ok: false, issue: 'need_answer' });
    expect(checkSurvey({ csat: 0, nps: 7, comment: '' })).toEqual({ ok: true, body: { nps: 7 } });
  });
});

describe('answered in this browser', () => {
  it('remembers sessions answered', () => {
    const m = new Map<string, string>();
    const storage = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => { m.set(k, v); } };
    expect(answeredLocally(storage, 's1')).toBe(false);
    rememberAnswered(storage, 's1');
    rememberAnswered(storage, 's1');
    expect(answeredLocally(storage, 's1')).toBe(true);
    expect(answeredLocally(storage, 's2')).toBe(false);
    expect(JSON.parse(m.get('onair.survey.answered')!)).toEqual(['s1']);
    expect(answeredLocally(null, 's1')).toBe(false);
  });
});
