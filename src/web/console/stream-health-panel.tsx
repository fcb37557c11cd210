import { lazy, Suspense, useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { StreamHealth } from '../api/video-api';
import { videoApi } from '../api/video-api';
import { useAuth } from '../auth/auth-context';
import { PERMISSIONS } from '../auth/permissions';
import { usePolledResource } from '../hooks/use-polled-resource';
import { formatBitrate, formatCodecs, formatSeconds, latestPublishPoints, pictureMessage, warningMessage } from './stream-health';

const StreamHealthChart = lazy(() => import('./stream-health-chart'));

/** The samples are kept every 10 s; a look every 30 s keeps the chart current enough. */
const SERIES_POLL_MS = 30_000;

/**
 * What the encoder is sending, read the way a broadcast engineer does: picture and frame rate,
 * codecs, bitrates, keyframe interval, late frames; each warning as what to change in OBS; and
 * the running publish's bitrate and fps over time. Shown only while an encoder publishes.
 */
export function StreamHealthPanel({ sessionId, health }: { sessionId: string; health: StreamHealth }) {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const titleId = useId();
  const lang = i18n.resolvedLanguage ?? 'en';
  // The series needs sessions:read (the card itself needs stream:key): without it there is no chart.
  const canReadSeries = can(PERMISSIONS.sessionsRead);
  const series = usePolledResource((signal) => videoApi.healthSeries(sessionId, signal), [sessionId], SERIES_POLL_MS, canReadSeries);
  const points = useMemo(() => latestPublishPoints(series.data?.items ?? []), [series.data]);
  const chartLabels = useMemo(
    () => ({ video: t('stream.health.chartVideo'), fps: t('stream.health.chartFps'), aria: t('stream.health.chartLabel') }),
    [t],
  );

  const picture = pictureMessage(health, lang);
  const warningCodes = new Set(health.warnings.map((w) => w.code));
  const bitrateWarn = warningCodes.has('BITRATE_LOW') || warningCodes.has('BITRATE_HIGH');
  const count = health.warnings.length;

  return (
    <section className="stream-health" aria-labelledby={titleId} data-testid="stream-health">
      <div className="stream-health-head">
        <h3 className="stream-health-title" id={titleId}>
          {t('stream.health.title')}
        </h3>
        <span className={count === 0 ? 'badge badge-ok' : 'badge badge-warn'} data-testid="stream-health-badge" data-warnings={count}>
          {count === 0 ? t('stream.health.ok') : t('stream.health.warnings', { count })}
        </span>
      </div>
      <dl className="stream-health-facts">
        <div>
          <dt>{t('stream.health.picture')}</dt>
          <dd data-testid="stream-health-picture" className={warningCodes.has('LOW_FPS') ? 'is-warn' : undefined}>
            {picture ? t(picture.key, picture.values) : t('stream.health.unknown')}
          </dd>
        </div>
        <div>
          <dt>{t('stream.health.codecs')}</dt>
          <dd data-testid="stream-health-codecs">{formatCodecs(health.videoCodec, health.audioCodec)}</dd>
        </div>
        <div>
          <dt>{t('stream.health.video')}</dt>
          <dd data-testid="stream-health-video" className={bitrateWarn ? 'is-warn' : undefined}>
            {t('stream.health.kbps', { value: formatBitrate(health.videoBitrate, lang) })}
          </dd>
        </div>
        <div>
          <dt>{t('stream.health.audio')}</dt>
          <dd data-testid="stream-health-audio" className={warningCodes.has('NO_AUDIO') ? 'is-warn' : undefined}>
            {t('stream.health.kbps', { value: formatBitrate(health.audioBitrate, lang) })}
          </dd>
        </div>
        <div>
          <dt>{t('stream.health.keyframes')}</dt>
          <dd data-testid="stream-health-keyframes" className={warningCodes.has('KEYFRAME_INTERVAL') ? 'is-warn' : undefined}>
            {health.keyframeInterval === null ? t('stream.health.unknown') : t('stream.health.seconds', { value: formatSeconds(health.keyframeInterval, lang) })}
          </dd>
        </div>
        {health.lateFrames > 0 && (
          <div>
            <dt>{t('stream.health.lateFrames')}</dt>
            <dd data-testid="stream-health-late" className="is-warn" title={t('stream.health.lateFramesHint')}>
              {new Intl.NumberFormat(lang).format(health.lateFrames)}
            </dd>
          </div>
        )}
      </dl>
      {count > 0 && (
        <ul className="stream-health-warnings" aria-label={t('stream.health.warningsLabel')} data-testid="stream-health-warnings">
          {health.warnings.map((w) => {
            const m = warningMessage(w, health.height, lang);
            return (
              <li key={w.code} className="stream-warning" data-testid="stream-health-warning" data-code={w.code}>
                {t(m.key, m.values)}
              </li>
            );
          })}
        </ul>
      )}
      {points.length > 0 && (
        <figure className="stream-health-trend">
          <figcaption className="muted small">{t('stream.health.chartTitle')}</figcaption>
          <Suspense fallback={<div className="stream-health-chart" />}>
            <StreamHealthChart points={points} labels={chartLabels} lang={lang} />
          </Suspense>
        </figure>
      )}
    </section>
  );
}
