import { useTranslation } from 'react-i18next';
import { formatLiveCount } from '../../format/count-format';
import type { CountdownView, TopicView } from '../../room/room-protocol';
import { formatClock, msLeft } from './tool-format';
import { TimerIcon } from './tool-icons';

/** The pinned #topic: counts, and a tap that filters the chat to it and puts the tag in the input. */
export function TopicChip({ topic, active, onToggle }: { topic: TopicView; active: boolean; onToggle: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  return (
    <button
      type="button"
      className={active ? 'tool-chip topic-chip topic-chip-on' : 'tool-chip topic-chip'}
      data-testid="topic-chip"
      aria-pressed={active}
      title={t('interactViewer.topic.tapHint')}
      onClick={onToggle}
    >
      <span className="topic-tag">#{topic.tag}</span>
      <span className="topic-title">{topic.title}</span>
      <span className="topic-stats small">
        {t('interactViewer.topic.comments', { count: topic.comments, value: formatLiveCount(topic.comments, lang) })} ·{' '}
        {t('interactViewer.topic.people', { count: topic.participants, value: formatLiveCount(topic.participants, lang) })}
      </span>
    </button>
  );
}

/** "Next: <label> in m:ss". */
export function CountdownChip({ countdown, serverNow }: { countdown: CountdownView; serverNow: number }) {
  const { t } = useTranslation();
  const left = msLeft(countdown.endsAt, serverNow);
  return (
    <span className="tool-chip countdown-chip" data-testid="countdown-chip" role="timer">
      <TimerIcon />
      {left > 0 ? t('interactViewer.countdown.next', { label: countdown.label, time: formatClock(left) }) : t('interactViewer.countdown.now', { label: countdown.label })}
    </span>
  );
}
