import { useCallback } from 'react';
import { interactViewerApi, type MyInteract } from '../../api/interact-viewer-api';
import { usePolledResource } from '../../hooks/use-polled-resource';
import type { ViewerIdentity } from '../use-viewer-identity';

const EMPTY: MyInteract = { votes: {}, entries: [], answers: {}, upvoted: [] };

export interface MyInteractState {
  mine: MyInteract;
  /** Ask the server again (e.g. after the 口令 went out as a comment: the server enters the viewer). */
  refresh: () => void;
  markVoted: (pollId: string, choices: number[]) => void;
  markEntered: (drawId: string) => void;
  markAnswered: (quizId: string, index: number, choice: number) => void;
  markUpvoted: (questionId: string) => void;
}

/**
 * What this account did in the room's tools, so a reload still shows "you voted" and "you're in".
 * Read once per sign-in (guests have nothing to read); then kept by the widgets as their requests
 * are acknowledged.
 */
export function useMyInteract(sessionId: string, invite: string | null, identity: ViewerIdentity): MyInteractState {
  const viewerId = identity.kind === 'viewer' ? identity.viewer.id : null;
  const res = usePolledResource((signal) => interactViewerApi.mine(sessionId, { invite, signal }), [sessionId, invite, viewerId], 0, viewerId !== null);
  const { setData } = res;
  const update = useCallback((f: (m: MyInteract) => MyInteract) => { setData((prev) => f(prev ?? EMPTY)); }, [setData]);
  return {
    mine: viewerId === null ? EMPTY : (res.data ?? EMPTY),
    refresh: res.refresh,
    markVoted: useCallback((pollId, choices) => { update((m) => ({ ...m, votes: { ...m.votes, [pollId]: choices } })); }, [update]),
    markEntered: useCallback((drawId) => { update((m) => (m.entries.includes(drawId) ? m : { ...m, entries: [...m.entries, drawId] })); }, [update]),
    markAnswered: useCallback(
      (quizId, index, choice) => { update((m) => ({ ...m, answers: { ...m.answers, [quizId]: { ...m.answers[quizId], [String(index)]: choice } } })); },
      [update],
    ),
    markUpvoted: useCallback((questionId) => { update((m) => (m.upvoted.includes(questionId) ? m : { ...m, upvoted: [...m.upvoted, questionId] })); }, [update]),
  };
}
