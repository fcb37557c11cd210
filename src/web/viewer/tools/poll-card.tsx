import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PollView } from '../../room/room-protocol';
import { describeToolError } from './tool-error';
import { ToolCard, ToolError } from './tool-card';
import { formatClock, leadingOptions, msLeft, pollPercents } from './tool-format';

/**
 * A poll: signed-in viewers pick and vote once; after voting (or once closed) everyone sees live
 * percentages and counts. Guests see the results and a sign-in prompt.
 */
export function PollCard({
  poll,
  serverNow,
  myChoices,
  isViewer,
  onVote,
  onNeedSignIn,
  onDismiss,
}: {
  poll: PollView;
  serverNow: number;
  myChoices: number[] | undefined;
  isViewer: boolean;
  onVote: (choices: number[]) => Promise<void>;
  onNeedSignIn: () => void;
  onDismiss?: (() => void) | undefined;
}) {
  const { t } = useTranslation();
  const [picked, setPicked] = useState<number[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const left = msLeft(poll.closesAt, serverNow);
  const open = poll.status === 'open' && left > 0;
  const voted = myChoices !== undefined;
  const showResults = voted || !open || !isViewer;
  const percents = pollPercents(poll);
  const leading = poll.status === 'closed' ? leadingOptions(poll.tally) : new Set<number>();

  const toggle = (i: number) => {
    setError(null);
    if (poll.kind === 'single') setPicked([i]);
    else setPicked((p) => (p.includes(i) ? p.filter((x) => x !== i) : [...p, i].sort((a, b) => a - b)));
  };
  const submit = async (choices: number[]) => {
    if (busy || choices.length === 0) return;
    setBusy(true);
    setError(null);
    try {
      await onVote(choices);
    } catch (err) {
      setError(describeToolError(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <ToolCard
      kind="poll"
      tag={t('interactViewer.poll.label')}
      title={poll.question}
      ended={!open}
      onDismiss={!open ? onDismiss : undefined}
      testId="tool-poll"
      meta={open ? <span data-testid="poll-time-left">{t('interactViewer.poll.closesIn', { time: formatClock(left) })}</span> : t('interactViewer.poll.closed')}
    >
      {showResults ? (
        <ul className="poll-results" data-testid="poll-results">
          {poll.options.map((label, i) => (
            <li key={i} className={`poll-result${myChoices?.includes(i) ? ' poll-mine' : ''}${leading.has(i) ? ' poll-leading' : ''}`}>
              <span className="poll-bar" style={{ width: `${String(percents[i] ?? 0)}%` }} aria-hidden="true" />
              <span className="poll-label">
                {label}
                {myChoices?.includes(i) && <span className="poll-check" aria-label={t('interactViewer.poll.yourChoice')}> ✓</span>}
              </span>
              <span className="poll-figure" data-testid="poll-figure">
                {percents[i] ?? 0}% · {t('interactViewer.poll.votes', { count: poll.tally[i] ?? 0 })}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <div className="poll-options" role={poll.kind === 'single' ? 'radiogroup' : 'group'} aria-label={poll.question}>
          {poll.options.map((label, i) => (
            <button
              key={i}
              type="button"
              role={poll.kind === 'single' ? 'radio' : 'checkbox'}
              aria-checked={picked.includes(i)}
              className={picked.includes(i) ? 'poll-option poll-picked' : 'poll-option'}
              data-testid="poll-option"
              disabled={busy}
              onClick={() => {
                // One tap votes in a single-choice poll, as in every live app; multiple needs the button.
                if (poll.kind === 'single') void submit([i]);
                else toggle(i);
              }}
            >
              {label}
            </button>
          ))}
        </div>
      )}
      <footer className="tool-foot">
        <span className="muted small" data-testid="poll-voters">
          {t('interactViewer.poll.voters', { count: poll.voters })} · {t(poll.kind === 'single' ? 'interactViewer.poll.single' : 'interactViewer.poll.multiple')}
        </span>
        {open && !isViewer && (
          <button type="button" className="btn btn-sm" data-testid="poll-signin" onClick={onNeedSignIn}>
            {t('interactViewer.poll.signInToVote')}
          </button>
        )}
        {open && isViewer && !voted && poll.kind === 'multiple' && (
          <button type="button" className="btn btn-sm btn-primary" data-testid="poll-vote" disabled={busy || picked.length === 0} onClick={() => void submit(picked)}>
            {busy ? t('interactViewer.poll.voting') : t('interactViewer.poll.vote')}
          </button>
        )}
        {voted && <span className="tool-ok small" data-testid="poll-voted">{t('interactViewer.poll.voted')}</span>}
      </footer>
      <ToolError message={error} testId="poll-error" />
    </ToolCard>
  );
}
