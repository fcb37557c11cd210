import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNow } from '../../hooks/use-now';
import type { DrawView, PollView } from '../../room/room-protocol';
import type { RoomSocket } from '../../room/use-room-socket';
import type { ViewerIdentity } from '../use-viewer-identity';
import { DrawCard } from './draw-card';
import { PollCard } from './poll-card';
import { QnaSheet } from './qna-sheet';
import { QuizCard } from './quiz-card';
import { CountdownChip, TopicChip } from './tool-chips';
import { useMyInteract } from './use-my-interact';
import '../../styles/room-tools.css';

/** How long after sending the 口令 the viewer's entries are read again (the server enters on the comment). */
const PHRASE_RECHECK_MS = 2500;

/** Live tools (open or announced) and, of the finished ones, only the latest, until dismissed. */
function shownPolls(polls: PollView[], dismissed: ReadonlySet<string>): PollView[] {
  const live = polls.filter((p) => p.status === 'open');
  const lastEnded = [...polls].reverse().find((p) => p.status === 'closed');
  return [...live, ...(lastEnded && !dismissed.has(lastEnded.id) ? [lastEnded] : [])];
}
function shownDraws(draws: DrawView[], dismissed: ReadonlySet<string>): DrawView[] {
  const live = draws.filter((d) => d.status === 'open' || d.status === 'closed');
  const lastEnded = [...draws].reverse().find((d) => d.status === 'drawn');
  return [...live, ...(lastEnded && !dismissed.has(lastEnded.id) ? [lastEnded] : [])];
}

/**
 * The room's interactive tools beside the chat: chips (pinned topic, next countdown, questions),
 * then the poll, draw and quiz cards. Mobile first: one column, compact cards, nothing over the
 * video but the "answering now" banner (see AnsweringBanner).
 */
export function RoomToolsDock({
  room,
  sessionId,
  invite,
  identity,
  topicFilter,
  onTopicFilter,
  onNeedSignIn,
  onPrizeNews,
}: {
  room: RoomSocket;
  sessionId: string;
  invite: string | null;
  identity: ViewerIdentity;
  /** The tag the chat is filtered to, or null. */
  topicFilter: string | null;
  onTopicFilter: (tag: string | null) => void;
  onNeedSignIn: () => void;
  /** A draw named this viewer among its winners: the prize badge asks again. */
  onPrizeNews: () => void;
}) {
  const { t } = useTranslation();
  const { state } = room;
  const { tools } = state;
  const viewerId = identity.kind === 'viewer' ? identity.viewer.id : null;
  const isViewer = viewerId !== null && state.you?.kind === 'viewer';
  const my = useMyInteract(sessionId, invite, identity);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const [qnaOpen, setQnaOpen] = useState(false);
  const dismiss = (id: string) => () => { setDismissed((s) => new Set([...s, id])); };

  const polls = shownPolls(tools.polls, dismissed);
  const draws = shownDraws(tools.draws, dismissed);
  const quiz = tools.quiz && !dismissed.has(tools.quiz.id) ? tools.quiz : null;
  const ticking = polls.some((p) => p.status === 'open') || draws.some((d) => d.status === 'open') || quiz?.status === 'asking' || tools.countdowns.some((c) => c.status === 'running');
  const serverNow = useNow(ticking, 1000, state.clockOffsetMs);
  const countdown = useMemo(
    () => tools.countdowns.filter((c) => c.status === 'running' && c.endsAt > serverNow - 5000).sort((a, b) => a.endsAt - b.endsAt)[0],
    [tools.countdowns, serverNow],
  );
  const waiting = tools.questions.filter((q) => q.status !== 'answered').length;

  // A draw that names this viewer: tell the prize badge once per draw.
  const told = useRef(new Set<string>());
  useEffect(() => {
    if (viewerId === null) return;
    for (const d of tools.draws) {
      if (d.status === 'drawn' && !told.current.has(d.id) && d.winners.some((w) => w.id === viewerId)) {
        told.current.add(d.id);
        onPrizeNews();
      }
    }
  }, [tools.draws, viewerId, onPrizeNews]);

  const { refresh: refreshMine } = my;
  const recheck = useRef<number | undefined>(undefined);
  useEffect(() => () => { window.clearTimeout(recheck.current); }, []);

  return (
    <div className="room-tools" data-testid="room-tools">
      <div className="tool-chips">
        {tools.topic && (
          <TopicChip
            topic={tools.topic}
            active={topicFilter === tools.topic.tag}
            onToggle={() => { onTopicFilter(topicFilter === tools.topic?.tag ? null : (tools.topic?.tag ?? null)); }}
          />
        )}
        {countdown && <CountdownChip countdown={countdown} serverNow={serverNow} />}
        <button type="button" className={qnaOpen ? 'tool-chip qna-chip topic-chip-on' : 'tool-chip qna-chip'} aria-expanded={qnaOpen} data-testid="qna-toggle" onClick={() => { setQnaOpen((o) => !o); }}>
          <span aria-hidden="true">?</span> {t('interactViewer.qna.tab')}
          {waiting > 0 && <span className="tool-count">{waiting}</span>}
        </button>
      </div>
      {qnaOpen && (
        <QnaSheet
          questions={tools.questions}
          viewerId={isViewer ? viewerId : null}
          upvoted={my.mine.upvoted}
          onNeedSignIn={onNeedSignIn}
          onAsk={async (text) => { await room.ask(text); }}
          onUpvote={async (id) => {
            await room.upvote(id);
            my.markUpvoted(id);
          }}
        />
      )}
      {quiz && (
        <QuizCard
          quiz={quiz}
          serverNow={serverNow}
          myAnswers={my.mine.answers[quiz.id]}
          isViewer={isViewer}
          onNeedSignIn={onNeedSignIn}
          onDismiss={dismiss(quiz.id)}
          onAnswer={async (index, choice) => {
            await room.answer(quiz.id, index, choice);
            my.markAnswered(quiz.id, index, choice);
          }}
        />
      )}
      {draws.map((d) => (
        <DrawCard
          key={d.id}
          draw={d}
          serverNow={serverNow}
          entered={my.mine.entries.includes(d.id)}
          viewerId={isViewer ? viewerId : null}
          canTakePart={isViewer}
          onNeedSignIn={onNeedSignIn}
          onDismiss={dismiss(d.id)}
          onEnter={async () => {
            try {
              await room.enter(d.id);
            } catch (err) {
              // Entered from another tab already: that is the state we wanted.
              if ((err as { code?: string }).code !== 'ALREADY_ENTERED') throw err;
            }
            my.markEntered(d.id);
          }}
          onSendPhrase={async (phrase) => {
            await room.sendChat(phrase);
            my.markEntered(d.id);
            window.clearTimeout(recheck.current);
            recheck.current = window.setTimeout(refreshMine, PHRASE_RECHECK_MS);
          }}
        />
      ))}
      {polls.map((p) => (
        <PollCard
          key={p.id}
          poll={p}
          serverNow={serverNow}
          myChoices={my.mine.votes[p.id]}
          isViewer={isViewer}
          onNeedSignIn={onNeedSignIn}
          onDismiss={dismiss(p.id)}
          onVote={async (choices) => {
            await room.vote(p.id, choices);
            my.markVoted(p.id, choices);
          }}
        />
      ))}
    </div>
  );
}
