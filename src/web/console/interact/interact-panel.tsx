import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/describe-error';
import { interactConsoleApi, type InteractOverview } from '../../api/interact-console-api';
import { useAuth } from '../../auth/auth-context';
import { PERMISSIONS } from '../../auth/permissions';
import { FormError } from '../../components/form-field';
import { ErrorState, LoadingState } from '../../components/page-states';
import { useNow } from '../../hooks/use-now';
import { usePolledResource } from '../../hooks/use-polled-resource';
import { CountdownTab } from './countdown-card';
import { DrawsTab } from './draw-card';
import { PollsTab } from './poll-card';
import { QnaQueue } from './qna-queue';
import { QuizTab } from './quiz-card';
import { TopicTab } from './topic-card';
import type { ToolTabProps } from './tool-props';
import '../../styles/interact-console.css';

export const TOOL_TABS = ['polls', 'draws', 'quiz', 'qna', 'topic', 'countdown'] as const;
export type ToolTab = (typeof TOOL_TABS)[number];

/** Live figures refresh about every second while the tab is visible. */
const POLL_MS = 1000;

/** What is running now in each tab (a dot on the tab), and how many questions wait. */
function tabLive(data: InteractOverview, tab: ToolTab): { live: boolean; count?: number } {
  switch (tab) {
    case 'polls':
      return { live: data.polls.some((p) => p.status === 'open') };
    case 'draws':
      return { live: data.draws.some((d) => d.status === 'open' || d.status === 'closed') };
    case 'quiz':
      return { live: data.quizzes.some((q) => q.status === 'asking' || q.status === 'revealed') };
    case 'qna': {
      const waiting = data.questions.filter((q) => q.status === 'submitted').length;
      return { live: data.questions.some((q) => q.status === 'answering'), ...(waiting > 0 ? { count: waiting } : {}) };
    }
    case 'topic':
      return { live: data.topics.some((x) => x.status === 'pinned') };
    case 'countdown':
      return { live: data.countdowns.some((c) => c.status === 'running') };
  }
}

/**
 * The live-control panel of the interactive tools (直播中控台): polls, draws, quizzes, Q&A, topics
 * and countdowns of one session. Each tool is prepared ahead (a draft in "Prepared"), fired in one
 * click, watched with figures refreshed every second, and ended here. Members without
 * interact:run see the figures only.
 */
export function InteractPanel({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canRun = can(PERMISSIONS.interactRun);
  const canAnswer = can(PERMISSIONS.qnaAnswer);
  const overview = usePolledResource((signal) => interactConsoleApi.overview(sessionId, signal), [sessionId], POLL_MS);
  const [tab, setTab] = useState<ToolTab>('polls');
  const [offset, setOffset] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const now = useNow(true, 1000, offset);
  const { refresh } = overview;

  // Countdowns use the server's clock: the offset is re-read from every answer.
  useEffect(() => {
    if (overview.data) setOffset(overview.data.now - Date.now());
  }, [overview.data]);
  useEffect(() => {
    if (!done) return;
    const timer = window.setTimeout(() => { setDone(null); }, 4000);
    return () => { window.clearTimeout(timer); };
  }, [done]);

  const act = useCallback<ToolTabProps['act']>(
    async (key, action, message) => {
      setBusy(key);
      setError(null);
      try {
        await action();
        if (message) setDone(message);
        refresh();
        return true;
      } catch (err) {
        setError(describeError(t, err));
        return false;
      } finally {
        setBusy(null);
      }
    },
    [refresh, t],
  );

  if (overview.loading && !overview.data) return <section className="card ic-panel"><LoadingState /></section>;
  if (!overview.data) return <section className="card ic-panel"><ErrorState error={overview.error} onRetry={refresh} /></section>;
  const data = overview.data;
  const props: ToolTabProps = { sessionId, data, now, canRun, act, busy };

  return (
    <section className="card ic-panel" data-testid="interact-panel" aria-labelledby="ic-title">
      <div className="ic-head">
        <h2 id="ic-title" className="card-title">
          {t('interactConsole.title')}
        </h2>
        {!canRun && (
          <span className="badge" data-testid="ic-read-only">
            {t(canAnswer ? 'interactConsole.answerOnly' : 'interactConsole.readOnly')}
          </span>
        )}
        {overview.error != null && (
          <span className="badge tone-warn" role="status" data-testid="ic-stale">
            {t('interactConsole.stale')}
          </span>
        )}
      </div>
      <div className="ic-tabs" role="tablist" aria-label={t('interactConsole.title')}>
        {TOOL_TABS.map((name) => {
          const state = tabLive(data, name);
          return (
            <button
              key={name}
              type="button"
              role="tab"
              id={`ic-tab-${name}`}
              aria-selected={tab === name}
              aria-controls="ic-tabpanel"
              className={tab === name ? 'ic-tab ic-tab-active' : 'ic-tab'}
              data-testid={`ic-tab-${name}`}
              onClick={() => { setTab(name); setError(null); }}
            >
              {state.live && <span className="ic-live-dot" aria-label={t('interactConsole.liveNow')} />}
              {t(`interactConsole.tabs.${name}`)}
              {state.count !== undefined && <span className="ic-tab-count">{state.count}</span>}
            </button>
          );
        })}
      </div>
      {done && (
        <p className="ic-done" role="status" data-testid="ic-done">
          {done}
        </p>
      )}
      <FormError message={error} testId="ic-action-error" />
      <div id="ic-tabpanel" role="tabpanel" aria-labelledby={`ic-tab-${tab}`} className="ic-body">
        {tab === 'polls' && <PollsTab {...props} />}
        {tab === 'draws' && <DrawsTab {...props} />}
        {tab === 'quiz' && <QuizTab {...props} />}
        {tab === 'qna' && <QnaQueue {...props} canAnswer={canAnswer} />}
        {tab === 'topic' && <TopicTab {...props} />}
        {tab === 'countdown' && <CountdownTab {...props} />}
      </div>
    </section>
  );
}
