import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideTransition, transitions, type SessionStatus } from './session-lifecycle.js';

const statuses: SessionStatus[] = ['draft', 'scheduled', 'live', 'ended', 'archived'];
const now = new Date('2026-11-26T10:00:00Z');

describe('session lifecycle', () => {
  it('follows draft -> scheduled -> live -> ended -> archived', () => {
    const future = '2026-11-27T10:00:00Z';
    expect(decideTransition({ status: 'draft', scheduledStart: future, title: 't' }, 'scheduled', now)).toEqual({ ok: true, permission: 'sessions:write' });
    expect(decideTransition({ status: 'scheduled', scheduledStart: future, title: 't' }, 'live', now)).toEqual({ ok: true, permission: 'sessions:golive' });
    expect(decideTransition({ status: 'live', scheduledStart: future, title: 't' }, 'ended', now)).toEqual({ ok: true, permission: 'sessions:golive' });
    expect(decideTransition({ status: 'ended', scheduledStart: future, title: 't' }, 'archived', now)).toEqual({ ok: true, permission: 'sessions:write' });
  });

  it('vetoes scheduling without a start or with a past start', () => {
    expect(decideTransition({ status: 'draft', scheduledStart: null, title: 't' }, 'scheduled', now)).toMatchObject({ ok: false, kind: 'vetoed' });
    expect(decideTransition({ status: 'draft', scheduledStart: '2026-11-25T10:00:00Z', title: 't' }, 'scheduled', now)).toMatchObject({ ok: false, kind: 'vetoed' });
  });

  it('never leaves archived and never returns to live once ended', () => {
    fc.assert(
      fc.property(fc.constantFrom(...statuses), (to) => {
        expect(decideTransition({ status: 'archived', scheduledStart: null, title: 't' }, to, now).ok).toBe(false);
        if (to === 'live') expect(decideTransition({ status: 'ended', scheduledStart: null, title: 't' }, to, now).ok).toBe(false);
      }),
    );
  });

  it('accepts exactly the moves in the table', () => {
    fc.assert(
      fc.property(fc.constantFrom(...statuses), fc.constantFrom(...statuses), (from, to) => {
        const d = decideTransition({ status: from, scheduledStart: '2030-01-01T00:00:00Z', title: 't' }, to, now);
        expect(d.ok).toBe(transitions[from][to] !== undefined);
      }),
    );
  });
});
