import { useCallback, useEffect, useRef, useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatEvent } from '../room/room-protocol';
import type { LiveChatSignal } from '../room/use-room-socket';
import {
  DANMAKU_LANE_PX,
  DANMAKU_TOP_PX,
  DENSITY_LIMITS,
  LanePlanner,
  MAX_WAIT_MS,
  estimateWidth,
  flightSpeed,
  laneCount,
} from './danmaku-lanes';
import { DANMAKU_DENSITIES, type DanmakuDensity, type DanmakuSettings } from './danmaku-settings';

interface Flying {
  key: number;
  id: string;
  text: string;
  n: number;
  lane: number;
  durationMs: number;
  mine: boolean;
  team: boolean;
}

interface Waiting {
  chat: ChatEvent;
  mine: boolean;
  queuedAt: number;
}

const MAX_QUEUE = 60;
const RETRY_MS = 200;

let nextKey = 1;

/**
 * Comments flying right to left across the video, in lanes. Each item is positioned once and
 * then moved only by a CSS transform animation (no layout work per frame); the number in flight
 * is capped by the density, and a comment that finds no free lane soon enough is dropped.
 */
export function DanmakuOverlay({
  subscribe,
  settings,
}: {
  subscribe: (listener: (signal: LiveChatSignal) => void) => () => void;
  settings: DanmakuSettings;
}) {
  const stageRef = useRef<HTMLDivElement>(null);
  const [stageWidth, setStageWidth] = useState(0);
  const size = useRef({ width: 0, height: 0 });
  const [items, setItems] = useState<Flying[]>([]);
  const inFlight = useRef(0);
  const queue = useRef<Waiting[]>([]);
  const planner = useRef(new LanePlanner());
  const retry = useRef<number | undefined>(undefined);
  const { enabled, density } = settings;

  useEffect(() => {
    const el = stageRef.current;
    if (!el) return;
    const measure = () => {
      size.current = { width: el.clientWidth, height: el.clientHeight };
      setStageWidth(el.clientWidth);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => { observer.disconnect(); };
  }, []);

  const place = useCallback(() => {
    window.clearTimeout(retry.current);
    retry.current = undefined;
    const { width, height } = size.current;
    const waiting = queue.current;
    if (document.hidden) {
      // Nobody is watching; don't pile up a backlog to replay later.
      waiting.length = 0;
      return;
    }
    const now = performance.now();
    const added: Flying[] = [];
    if (width > 0) {
      const lanes = laneCount(height, density);
      const speed = flightSpeed(width);
      const cap = DENSITY_LIMITS[density].maxItems;
      while (waiting.length > 0) {
        const next = waiting[0]!;
        if (now - next.queuedAt > MAX_WAIT_MS) {
          waiting.shift();
          continue;
        }
        if (inFlight.current + added.length >= cap) break;
        const { chat } = next;
        const label = chat.n > 1 ? `${chat.text} ×${String(chat.n)}` : chat.text;
        const itemWidth = estimateWidth(label);
        const lane = planner.current.take(now, lanes, itemWidth, speed);
        if (lane < 0) break;
        waiting.shift();
        added.push({
          key: nextKey++,
          id: chat.id,
          text: chat.text,
          n: chat.n,
          lane,
          durationMs: Math.round(((width + itemWidth) / speed) * 1000),
          mine: next.mine,
          team: chat.role !== 'viewer',
        });
      }
    }
    if (added.length > 0) {
      inFlight.current += added.length;
      setItems((prev) => [...prev, ...added]);
    }
    if (waiting.length > 0) retry.current = window.setTimeout(place, RETRY_MS);
  }, [density]);

  useEffect(() => {
    if (!enabled) return;
    const lanes = planner.current;
    const unsubscribe = subscribe((signal) => {
      const waiting = queue.current;
      if (signal.kind === 'deleted') {
        queue.current = waiting.filter((w) => w.chat.id !== signal.id);
        setItems((prev) => prev.filter((item) => item.id !== signal.id));
        return;
      }
      const entry: Waiting = { chat: signal.chat, mine: signal.mine, queuedAt: performance.now() };
      // Your own comment and the host's jump the queue.
      if (signal.mine || signal.chat.role !== 'viewer') waiting.unshift(entry);
      else waiting.push(entry);
      if (waiting.length > MAX_QUEUE) waiting.splice(MAX_QUEUE);
      place();
    });
    return () => {
      unsubscribe();
      window.clearTimeout(retry.current);
      retry.current = undefined;
      queue.current = [];
      lanes.reset();
      inFlight.current = 0;
      setItems([]);
    };
  }, [enabled, subscribe, place]);

  // `place` counts what it adds at once; after each render the count is the truth again.
  useEffect(() => {
    inFlight.current = items.length;
  }, [items]);

  const land = (key: number) => {
    setItems((prev) => prev.filter((item) => item.key !== key));
  };

  return (
    <div
      className="danmaku"
      ref={stageRef}
      aria-hidden="true"
      data-testid="danmaku-overlay"
      style={{ '--dm-stage': `${String(stageWidth)}px` } as CSSProperties}
    >
      {items.map((item) => (
        <div
          key={item.key}
          className={['danmaku-item', item.mine ? 'danmaku-mine' : '', item.team ? 'danmaku-team' : ''].join(' ').trim()}
          data-testid="danmaku-item"
          data-message-id={item.id}
          style={{ top: DANMAKU_TOP_PX + item.lane * DANMAKU_LANE_PX, animationDuration: `${String(item.durationMs)}ms` }}
          onAnimationEnd={() => { land(item.key); }}
        >
          {item.text}
          {item.n > 1 && <span className="danmaku-count"> ×{item.n}</span>}
        </div>
      ))}
    </div>
  );
}

/** On/off and density, over the video's top-right corner. */
export function DanmakuControls({
  settings,
  onChange,
}: {
  settings: DanmakuSettings;
  onChange: (next: DanmakuSettings) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="danmaku-controls">
      <button
        type="button"
        className={settings.enabled ? 'stage-chip stage-chip-on' : 'stage-chip'}
        aria-pressed={settings.enabled}
        data-testid="danmaku-toggle"
        title={settings.enabled ? t('live.danmaku.turnOff') : t('live.danmaku.turnOn')}
        aria-label={t('live.danmaku.label')}
        onClick={() => { onChange({ ...settings, enabled: !settings.enabled }); }}
      >
        <span className="danmaku-glyph" aria-hidden="true">
          {t('live.danmaku.glyph')}
        </span>
        <span className="danmaku-label">{t('live.danmaku.label')}</span>
      </button>
      {settings.enabled && (
        <label className="stage-chip stage-select">
          <span className="visually-hidden">{t('live.danmaku.density')}</span>
          <select
            data-testid="danmaku-density"
            value={settings.density}
            onChange={(event) => { onChange({ ...settings, density: event.target.value as DanmakuDensity }); }}
          >
            {DANMAKU_DENSITIES.map((d) => (
              <option key={d} value={d}>
                {t(`live.danmaku.densities.${d}`)}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}
