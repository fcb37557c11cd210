import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { interactConsoleApi, type TopicDetail } from '../../api/interact-console-api';
import { FormError, InputField } from '../../components/form-field';
import { formatCount } from '../../format/money-format';
import { useFormErrors } from '../../hooks/use-form-errors';
import { formatTime } from './interact-format';
import { ToolSection } from './tool-section';
import type { ToolTabProps } from './tool-props';

type TopicField = 'tag' | 'title';
const TOPIC_FIELDS: readonly TopicField[] = ['tag', 'title'];

/** Topics (话题): the pinned one with its comments and participants, pinning a new one, past ones. */
export function TopicTab(props: ToolTabProps) {
  const { t } = useTranslation();
  const { data, canRun } = props;
  const pinned = data.topics.filter((x) => x.status === 'pinned');
  const past = data.topics.filter((x) => x.status === 'unpinned').reverse();
  return (
    <>
      <ToolSection title={t('interactConsole.topic.pinned')} empty={t('interactConsole.topic.none')} count={pinned.length} testId="ic-topic-pinned">
        {pinned.map((x) => <TopicCard key={x.id} topic={x} {...props} />)}
      </ToolSection>
      {canRun && <PinTopicForm {...props} replacing={pinned.length > 0} />}
      {past.length > 0 && (
        <ToolSection title={t('interactConsole.sections.ended')} count={past.length} testId="ic-topic-past" collapsible>
          {past.map((x) => <TopicCard key={x.id} topic={x} {...props} />)}
        </ToolSection>
      )}
    </>
  );
}

function TopicCard({ topic, sessionId, canRun, act, busy }: ToolTabProps & { topic: TopicDetail }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const key = `topic:${topic.id}`;
  return (
    <article className={`ic-card ic-card-${topic.status}`} data-testid="ic-topic" data-topic-id={topic.id} data-status={topic.status}>
      <header className="ic-card-head">
        <span className="ic-tag">#{topic.tag}</span>
        <h4 className="ic-card-title">{topic.title}</h4>
      </header>
      <dl className="ic-figures">
        <div>
          <dt>{t('interactConsole.topic.comments')}</dt>
          <dd data-testid="ic-topic-comments">{formatCount(topic.comments, lang)}</dd>
        </div>
        <div>
          <dt>{t('interactConsole.topic.participants')}</dt>
          <dd data-testid="ic-topic-participants">{formatCount(topic.participants, lang)}</dd>
        </div>
      </dl>
      {topic.status === 'pinned' &&
        (topic.recent.length > 0 ? (
          <ul className="ic-recent" aria-label={t('interactConsole.topic.latest')}>
            {topic.recent.map((c, i) => (
              <li key={i}>
                <span className="muted small">{formatTime(Date.parse(c.at), lang)}</span> <strong>{c.name}</strong> {c.text}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted small">{t('interactConsole.topic.noComments', { tag: topic.tag })}</p>
        ))}
      {canRun && topic.status === 'pinned' && (
        <div className="ic-actions">
          <button type="button" className="btn btn-sm" data-testid="ic-topic-unpin" disabled={busy === key} onClick={() => void act(key, () => interactConsoleApi.unpinTopic(sessionId, topic.id), t('interactConsole.topic.unpinned'))}>
            {t('interactConsole.topic.unpin')}
          </button>
        </div>
      )}
    </article>
  );
}

function PinTopicForm({ sessionId, act, replacing }: ToolTabProps & { replacing: boolean }) {
  const { t } = useTranslation();
  const [tag, setTag] = useState('');
  const [title, setTitle] = useState('');
  const [saving, setSaving] = useState(false);
  const form = useFormErrors<TopicField>(TOPIC_FIELDS);
  const submit = async (e: { preventDefault: () => void }) => {
    e.preventDefault();
    form.clearErrors();
    const errs: Partial<Record<TopicField, string[]>> = {};
    if (tag.trim().replace(/^#/, '') === '') errs.tag = [t('interactConsole.errors.required')];
    if (title.trim() === '') errs.title = [t('interactConsole.errors.required')];
    if (Object.keys(errs).length > 0) {
      form.setFieldErrors(errs);
      return;
    }
    setSaving(true);
    try {
      const topic = await interactConsoleApi.pinTopic(sessionId, { tag: tag.trim(), title: title.trim() });
      await act('topic:new', () => Promise.resolve(), t('interactConsole.topic.pinnedDone', { tag: topic.tag }));
      setTag('');
      setTitle('');
    } catch (err) {
      form.showError(err);
    } finally {
      setSaving(false);
    }
  };
  const fe = form.fieldErrors;
  return (
    <form className="ic-form" data-testid="ic-topic-form" noValidate onSubmit={(e) => void submit(e)}>
      <h4 className="ic-form-title">{t('interactConsole.topic.new')}</h4>
      <div className="ic-form-row">
        <InputField type="text" name="tag" testId="ic-topic-tag" label={t('interactConsole.topic.fields.tag')} hint={t('interactConsole.topic.tagHint')} errors={fe.tag} value={tag} maxLength={31} placeholder="#" onValueChange={setTag} />
        <InputField type="text" name="title" testId="ic-topic-title" label={t('interactConsole.topic.fields.title')} errors={fe.title} value={title} maxLength={120} onValueChange={setTitle} />
      </div>
      {replacing && <p className="muted small">{t('interactConsole.topic.replaces')}</p>}
      <FormError message={form.formError} testId="ic-topic-form-error" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="ic-topic-pin" disabled={saving}>
          {t('interactConsole.topic.pin')}
        </button>
      </div>
    </form>
  );
}
