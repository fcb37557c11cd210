import type { Annotation, AnnotationKind, ReportDoc } from './report-types';

/**
 * ECharts options of the post-live report, built from the report document by pure functions
 * (tested in chart-options.test.ts; the chart component only draws them). The x axis of the
 * per-minute charts is the minute of the live, counted from 0 as the report and its hints count.
 */

/** A loose ECharts option: the builders are typed by what they read, ECharts checks the rest. */
export type ChartOption = Record<string, unknown>;

export const ANNOTATION_KINDS: readonly AnnotationKind[] = ['segment', 'pinned', 'flash_sale', 'tool'];
export const ANNOTATION_COLORS: Readonly<Record<AnnotationKind, string>> = {
  segment: '#64748b',
  pinned: '#f59e0b',
  flash_sale: '#db2777',
  tool: '#0d9488',
};
/** Opacity of a band (they overlap: a pinned product inside a segment); segments alternate so neighbours stay apart. */
const BAND_OPACITY: Readonly<Record<AnnotationKind, number>> = { segment: 0.07, pinned: 0.2, flash_sale: 0.2, tool: 0.25 };
const SEGMENT_ALT_OPACITY = 0.14;

/** The chart's width and whether it is narrow (phones): band labels and legends adapt. */
export interface ChartSize {
  narrow: boolean;
  /** Width of the chart in CSS pixels. */
  width: number;
}

const C = {
  line: '#1d4ed8',
  second: '#6d28d9',
  ok: '#12805c',
  danger: '#c62828',
  warn: '#d97706',
  grid: '#eceef2',
  muted: '#6b7280',
};

/** Words and number formats the charts show, in the page's language. */
export interface ChartText {
  /** Axis name: "Minute". */
  minute: string;
  /** "Minute 12" / "第 12 分钟" (tooltip heading). */
  minuteN: (m: number) => string;
  /** "12 min after joining" (survival tooltip heading). */
  afterJoining: (m: number) => string;
  annotation: Readonly<Record<AnnotationKind, string>>;
  /** A share 0..1 as a percentage ("12.3%"). */
  percent: (share: number) => string;
  count: (n: number) => string;
  money: (fen: number) => string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The minute of the live (fractional) at time `t`, never below 0. */
export function minuteOfLive(t: number, startedAt: number): number {
  return Math.max(0, (t - startedAt) / 60_000);
}

export interface MarkAreaItem {
  name: string;
  xAxis: number;
  itemStyle: { color: string; opacity: number };
  label?: { show: boolean; width?: number };
}
export type MarkAreaPair = [MarkAreaItem, { xAxis: number }];

/**
 * The annotations of one kind as ECharts markArea bands on a value axis of minutes: each band
 * runs from the annotation's start to its end (fractions of a minute kept), at least a tenth of
 * a minute wide so a short tool still shows.
 */
export function annotationBands(timeline: readonly Annotation[], startedAt: number, kind: AnnotationKind): MarkAreaPair[] {
  return timeline
    .filter((a) => a.kind === kind)
    .map((a, i): MarkAreaPair => {
      const from = minuteOfLive(a.from, startedAt);
      const to = Math.max(from + 0.1, minuteOfLive(a.to, startedAt));
      const opacity = kind === 'segment' && i % 2 === 1 ? SEGMENT_ALT_OPACITY : BAND_OPACITY[kind];
      return [{ name: a.title, xAxis: round3(from), itemStyle: { color: ANNOTATION_COLORS[kind], opacity } }, { xAxis: round3(to) }];
    });
}

/** Room the axes take beside the plot (labels on the left, margin on the right), in pixels. */
const AXIS_ALLOWANCE_PX = 56;
/** A band label needs at least this many pixels, else it is left out. */
const MIN_LABEL_PX = 48;

/**
 * Labels segment bands with their titles, each cut to its band's width (a band too narrow for a
 * word shows none), given the chart's width and the live's length in minutes.
 */
export function labelBands(bands: MarkAreaPair[], minutes: number, widthPx: number): MarkAreaPair[] {
  const perMinute = Math.max(0, widthPx - AXIS_ALLOWANCE_PX) / Math.max(1, minutes);
  return bands.map(([a, b]) => {
    const px = Math.floor((b.xAxis - a.xAxis) * perMinute) - 6;
    return [{ ...a, label: px >= MIN_LABEL_PX ? { show: true, width: px } : { show: false } }, b];
  });
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * One series per annotation kind present, carrying that kind's bands (no points of its own), so
 * the legend names each kind and toggles its bands. Segment bands are labelled with their
 * titles unless `labels` is false (narrow screens).
 */
export function annotationSeries(timeline: readonly Annotation[], startedAt: number, text: Pick<ChartText, 'annotation'>, opts: { labels: boolean; minutes?: number; widthPx?: number; yAxisIndex?: number }): ChartOption[] {
  const out: ChartOption[] = [];
  for (const kind of ANNOTATION_KINDS) {
    let bands = annotationBands(timeline, startedAt, kind);
    if (bands.length === 0) continue;
    const labelled = opts.labels && kind === 'segment';
    if (labelled && opts.widthPx !== undefined && opts.minutes !== undefined) bands = labelBands(bands, opts.minutes, opts.widthPx);
    out.push({
      name: text.annotation[kind],
      type: 'line',
      data: [],
      yAxisIndex: opts.yAxisIndex ?? 0,
      color: ANNOTATION_COLORS[kind],
      silent: true,
      markArea: {
        silent: true,
        label: { show: labelled, position: 'insideTopLeft', fontSize: 10, color: '#334155', overflow: 'truncate', ellipsis: '…' },
        emphasis: { disabled: true },
        data: bands,
      },
    });
  }
  return out;
}

/** The annotations running at minute `minute` of the live (its start inclusive, end exclusive). */
export function annotationsAt(timeline: readonly Annotation[], startedAt: number, minute: number): Annotation[] {
  return timeline.filter((a) => {
    const from = minuteOfLive(a.from, startedAt);
    const to = Math.max(from + 0.1, minuteOfLive(a.to, startedAt));
    return minute + 1 > from && minute < to;
  });
}

/** Legend of the charts: the data series first, then the annotation kinds present (as squares). */
function legendOf(names: string[], bandNames: string[] = []): ChartOption {
  return {
    type: 'plain',
    top: 0,
    left: 0,
    right: 0,
    itemWidth: 14,
    itemHeight: 8,
    itemGap: 12,
    textStyle: { fontSize: 11 },
    data: [...names.map((name) => ({ name })), ...bandNames.map((name) => ({ name, icon: 'rect' }))],
  };
}

/** Rough pixel width of a legend entry (icon, gap, text; CJK characters are wider). */
function legendItemPx(name: string): number {
  let text = 0;
  for (const ch of name) text += /[\u2E80-\uFFEF]/.test(ch) ? 11 : 6.5;
  return 14 + 5 + text + 12;
}

/** How many rows a wrapping legend of these entries takes in `widthPx`. */
export function legendRows(names: readonly string[], widthPx: number): number {
  let rows = 1;
  let x = 0;
  for (const n of names) {
    const w = legendItemPx(n);
    if (x > 0 && x + w > widthPx) {
      rows++;
      x = 0;
    }
    x += w;
  }
  return rows;
}

/** Where a minute's figure is drawn: the middle of the minute (minute m spans m…m+1 on the axis, as the bands do). */
export const minuteX = (m: number): number => m + 0.5;

const minuteAxis = (minutes: number, text: ChartText): ChartOption => ({
  type: 'value',
  min: 0,
  max: Math.max(1, minutes),
  // Bars sit inside their minute already: no extra room at the ends (the bands and lines keep their place).
  containShape: false,
  name: text.minute,
  nameLocation: 'middle',
  nameGap: 24,
  nameTextStyle: { fontSize: 11, color: C.muted },
  minInterval: 1,
  axisLabel: { fontSize: 10, hideOverlap: true },
  splitLine: { show: false },
});

interface AxisParam {
  seriesName: string;
  marker: string;
  value: [number, number | null];
}

/** Tooltip rows for the points of a minute plus the annotations running then (titles escaped). */
function minuteTooltip(report: Pick<ReportDoc, 'timeline' | 'startedAt'>, text: ChartText, fmt: (seriesName: string, v: number) => string) {
  return (params: unknown): string => {
    const rows = (Array.isArray(params) ? params : [params]) as AxisParam[];
    const first = rows[0];
    if (!first) return '';
    const m = Math.floor(first.value[0]);
    const lines = rows
      .filter((p) => Array.isArray(p.value))
      .map((p) => `${p.marker}${escapeHtml(p.seriesName)}: <b>${p.value[1] === null ? '—' : escapeHtml(fmt(p.seriesName, p.value[1]))}</b>`);
    const notes = annotationsAt(report.timeline, report.startedAt, m).map(
      (a) => `<span style="display:inline-block;width:8px;height:8px;border-radius:2px;margin-right:6px;background:${ANNOTATION_COLORS[a.kind]}"></span>${escapeHtml(text.annotation[a.kind])}: ${escapeHtml(a.title)}`,
    );
    return [`<b>${escapeHtml(text.minuteN(m))}</b>`, ...lines, ...notes].join('<br/>');
  };
}

/** The plot under a legend of `legendNames` (one 20-pixel row per legend row). */
const grid = (size: ChartSize, legendNames: readonly string[]) => ({ left: 4, right: size.narrow ? 8 : 16, top: 16 + 20 * legendRows(legendNames, size.width), bottom: 28, containLabel: true });

/** A y axis in percent from 0 to a round step above the highest value (at most 100). */
const percentAxis = (values: readonly (number | null)[]): ChartOption => {
  const top = Math.max(0, ...values.map((v) => v ?? 0)) * 1.1;
  // Steps of 10 up to 50, then of 20, so the top tick is a round one.
  const step = top > 50 ? 20 : 10;
  const max = Math.min(100, Math.max(10, Math.ceil(top / step) * step));
  return { type: 'value', min: 0, max, interval: step, axisLabel: { fontSize: 10, formatter: '{value}%' }, splitLine: { lineStyle: { color: C.grid } } };
};

/** Retention: share of viewers present each minute, with the timeline as bands. */
export function retentionOption(report: ReportDoc, text: ChartText, opts: ChartSize & { seriesName: string }): ChartOption {
  const pct = report.series.retention.map((r) => (r === null ? null : round3(r * 100)));
  const data = pct.map((v, m) => [minuteX(m), v]);
  const bands = annotationSeries(report.timeline, report.startedAt, text, { labels: !opts.narrow, minutes: report.minutes, widthPx: opts.width });
  const bandNames = bands.map((s) => s.name as string);
  return {
    animation: false,
    grid: grid(opts, [opts.seriesName, ...bandNames]),
    legend: legendOf([opts.seriesName], bandNames),
    tooltip: { trigger: 'axis', confine: true, formatter: minuteTooltip(report, text, (_, v) => text.percent(v / 100)) },
    xAxis: minuteAxis(report.minutes, text),
    yAxis: percentAxis(pct),
    series: [
      { name: opts.seriesName, type: 'line', data, showSymbol: data.length < 3, lineStyle: { width: 2 }, areaStyle: { opacity: 0.08 }, color: C.line, z: 3 },
      ...bands,
    ],
  };
}

/** Cumulative paid GMV (yuan) over the live, with the timeline as bands. */
export function gmvOption(report: ReportDoc, text: ChartText, opts: ChartSize & { cumulativeName: string; perMinuteName: string }): ChartOption {
  const cumulative = report.series.gmvCumulativeFen.map((v, m) => [minuteX(m), v / 100]);
  const perMinute = report.series.gmvFen.map((v, m) => [minuteX(m), v / 100]);
  const bands = annotationSeries(report.timeline, report.startedAt, text, { labels: !opts.narrow, minutes: report.minutes, widthPx: opts.width });
  const bandNames = bands.map((s) => s.name as string);
  return {
    animation: false,
    grid: grid(opts, [opts.cumulativeName, opts.perMinuteName, ...bandNames]),
    legend: legendOf([opts.cumulativeName, opts.perMinuteName], bandNames),
    tooltip: { trigger: 'axis', confine: true, formatter: minuteTooltip(report, text, (_, v) => text.money(Math.round(v * 100))) },
    xAxis: minuteAxis(report.minutes, text),
    yAxis: { type: 'value', min: 0, axisLabel: { fontSize: 10, formatter: (v: number) => text.money(v * 100).replace(/\.00$/, '') }, splitLine: { lineStyle: { color: C.grid } } },
    series: [
      { name: opts.cumulativeName, type: 'line', data: cumulative, showSymbol: false, lineStyle: { width: 2 }, areaStyle: { opacity: 0.06 }, color: C.ok, z: 3 },
      { name: opts.perMinuteName, type: 'bar', data: perMinute, barMaxWidth: 8, color: '#7cc4a5', z: 2 },
      ...bands,
    ],
  };
}

/** Survival of a joiner's first view: share still watching N minutes after joining. */
export function survivalOption(report: ReportDoc, text: ChartText, opts: ChartSize & { seriesName: string; atRiskName: string; axisName: string }): ChartOption {
  const points = trimSurvival(report.survival);
  const atRisk = new Map(points.map((p) => [p.minute, p.atRisk]));
  return {
    animation: false,
    grid: grid(opts, [opts.seriesName]),
    legend: legendOf([opts.seriesName]),
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params: unknown) => {
        const p = (Array.isArray(params) ? params[0] : params) as AxisParam | undefined;
        if (!p) return '';
        const [m, v] = p.value;
        return [
          `<b>${escapeHtml(text.afterJoining(m))}</b>`,
          `${p.marker}${escapeHtml(opts.seriesName)}: <b>${v === null ? '—' : escapeHtml(text.percent(v / 100))}</b>`,
          `${escapeHtml(opts.atRiskName)}: ${escapeHtml(text.count(atRisk.get(m) ?? 0))}`,
        ].join('<br/>');
      },
    },
    xAxis: { ...minuteAxis(points.length, text), name: opts.axisName, max: Math.max(1, points.length - 1) },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { fontSize: 10, formatter: '{value}%' }, splitLine: { lineStyle: { color: C.grid } } },
    series: [
      {
        name: opts.seriesName,
        type: 'line',
        step: 'end',
        data: points.map((p) => [p.minute, p.survival === null ? null : round3(p.survival * 100)]),
        showSymbol: false,
        lineStyle: { width: 2 },
        color: C.second,
      },
    ],
  };
}

/** The survival curve up to a couple of minutes after nobody is left in a first view (the tail is flat). */
export function trimSurvival<P extends { atRisk: number; survival: number | null }>(points: readonly P[]): P[] {
  let last = points.length - 1;
  while (last > 0 && (points[last - 1]?.atRisk ?? 0) === 0) last--;
  return points.slice(0, Math.min(points.length, last + 2));
}

/** Joins (up) and exits (down) per minute. */
export function joinsExitsOption(report: ReportDoc, text: ChartText, opts: ChartSize & { joins: string; exits: string }): ChartOption {
  return {
    animation: false,
    grid: grid(opts, [opts.joins, opts.exits]),
    legend: legendOf([opts.joins, opts.exits]),
    tooltip: { trigger: 'axis', confine: true, formatter: minuteTooltip(report, text, (_, v) => text.count(Math.abs(v))) },
    xAxis: minuteAxis(report.minutes, text),
    yAxis: { type: 'value', axisLabel: { fontSize: 10, formatter: (v: number) => text.count(Math.abs(v)) }, splitLine: { lineStyle: { color: C.grid } } },
    series: [
      { name: opts.joins, type: 'bar', stack: 'flow', data: report.series.joins.map((v, m) => [minuteX(m), v]), color: C.ok, barMaxWidth: 10 },
      { name: opts.exits, type: 'bar', stack: 'flow', data: report.series.exits.map((v, m) => [minuteX(m), -v]), color: C.danger, barMaxWidth: 10 },
    ],
  };
}

/** Comments (bars, left axis) and likes (line, right axis) per minute: likes come in bursts of many. */
export function commentsLikesOption(report: ReportDoc, text: ChartText, opts: ChartSize & { comments: string; likes: string }): ChartOption {
  return {
    animation: false,
    grid: grid(opts, [opts.comments, opts.likes]),
    legend: legendOf([opts.comments, opts.likes]),
    tooltip: { trigger: 'axis', confine: true, formatter: minuteTooltip(report, text, (_, v) => text.count(v)) },
    xAxis: minuteAxis(report.minutes, text),
    yAxis: [
      { type: 'value', min: 0, minInterval: 1, axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: C.grid } } },
      { type: 'value', min: 0, minInterval: 1, axisLabel: { fontSize: 10 }, splitLine: { show: false } },
    ],
    series: [
      { name: opts.comments, type: 'bar', yAxisIndex: 0, data: report.series.comments.map((v, m) => [minuteX(m), v]), color: '#1d4ed8', barMaxWidth: 10 },
      { name: opts.likes, type: 'line', yAxisIndex: 1, data: report.series.likes.map((v, m) => [minuteX(m), v]), color: '#db2777', showSymbol: false, lineStyle: { width: 1.5 } },
    ],
  };
}

/** The funnel: viewers at each step, with the step's conversion from the previous one. */
export function funnelOption(report: ReportDoc, text: ChartText, opts: ChartSize & { stepName: (step: string) => string; ofPrevious: string }): ChartOption {
  const steps = report.funnel;
  const colors = ['#ff4d2e', '#f97316', '#f59e0b', '#16a34a', '#12805c'];
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p: { dataIndex: number; marker: string }) => {
        const s = steps[p.dataIndex];
        if (!s) return '';
        const conv = s.conversion === null ? '' : `<br/>${escapeHtml(opts.ofPrevious)}: <b>${escapeHtml(text.percent(s.conversion))}</b>`;
        return `${p.marker}${escapeHtml(opts.stepName(s.step))}: <b>${escapeHtml(text.count(s.viewers))}</b>${conv}`;
      },
    },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        left: opts.narrow ? 0 : '10%',
        right: opts.narrow ? 0 : '10%',
        top: 8,
        bottom: 8,
        minSize: '28%',
        maxSize: '100%',
        gap: 3,
        label: {
          show: true,
          position: 'inside',
          fontSize: opts.narrow ? 11 : 12,
          color: '#fff',
          formatter: (p: { dataIndex: number }) => {
            const s = steps[p.dataIndex];
            if (!s) return '';
            const conv = s.conversion === null ? '' : ` · ${text.percent(s.conversion)}`;
            return `${opts.stepName(s.step)}\n${text.count(s.viewers)}${conv}`;
          },
        },
        labelLine: { show: false },
        itemStyle: { borderColor: '#fff', borderWidth: 0 },
        data: steps.map((s, i) => ({ name: opts.stepName(s.step), value: s.viewers, itemStyle: { color: colors[i % colors.length] } })),
      },
    ],
  };
}

/** Viewers by traffic source as a donut; labels outside on wide screens, the legend below on narrow ones. */
/** The pie shows this many sources; the rest are one "Other" slice (the table lists them all). */
export const PIE_SLICES = 7;

/** The largest sources and, when there are more than `n`, the rest summed as one slice (`source: null`). */
export function pieSlices(sources: readonly { source: string; viewers: number }[], n: number): { source: string | null; viewers: number }[] {
  const sorted = [...sources].sort((a, b) => b.viewers - a.viewers);
  if (sorted.length <= n) return sorted;
  const rest = sorted.slice(n - 1).reduce((a, s) => a + s.viewers, 0);
  return [...sorted.slice(0, n - 1), { source: null, viewers: rest }];
}

export function sourcesOption(report: ReportDoc, text: ChartText, opts: ChartSize & { sourceName: (key: string) => string; otherName: string; seriesName: string }): ChartOption {
  const palette = ['#ff4d2e', '#1d4ed8', '#12805c', '#d97706', '#6d28d9', '#db2777', '#0891b2', '#64748b'];
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p: { name: string; value: number; percent: number; marker: string }) =>
        `${p.marker}${escapeHtml(p.name)}: <b>${escapeHtml(text.count(p.value))}</b> (${escapeHtml(text.percent(p.percent / 100))})`,
    },
    legend: opts.narrow ? { type: 'plain', bottom: 0, left: 0, right: 0, itemWidth: 10, itemHeight: 10, itemGap: 10, textStyle: { fontSize: 11 } } : { show: false },
    color: palette,
    series: [
      {
        name: opts.seriesName,
        type: 'pie',
        radius: opts.narrow ? ['28%', '50%'] : ['40%', '70%'],
        center: ['50%', opts.narrow ? '36%' : '50%'],
        avoidLabelOverlap: true,
        label: {
          show: true,
          fontSize: 11,
          formatter: (p: { name: string; percent: number }) => (opts.narrow ? text.percent(p.percent / 100) : `${p.name}: ${text.percent(p.percent / 100)}`),
          ...(opts.narrow ? {} : { overflow: 'truncate', width: 180 }),
        },
        data: pieSlices(report.sources, PIE_SLICES).map((s) => ({ name: s.source === null ? opts.otherName : opts.sourceName(s.source), value: s.viewers })),
      },
    ],
  };
}

/** CSAT answers: how many gave 1..5. */
export function csatOption(report: ReportDoc, text: ChartText, opts: ChartSize & { seriesName: string }): ChartOption {
  const colors = ['#c62828', '#ef6c00', '#d97706', '#65a30d', '#12805c'];
  return {
    animation: false,
    grid: { left: 4, right: 8, top: 12, bottom: 4, containLabel: true },
    tooltip: { trigger: 'axis', confine: true, valueFormatter: (v: unknown) => (typeof v === 'number' ? text.count(v) : '—') },
    xAxis: { type: 'category', data: ['1', '2', '3', '4', '5'], axisTick: { show: false }, axisLabel: { fontSize: 11 } },
    yAxis: { type: 'value', min: 0, minInterval: 1, axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: C.grid } } },
    series: [
      {
        name: opts.seriesName,
        type: 'bar',
        barMaxWidth: 36,
        label: { show: true, position: 'top', fontSize: 11 },
        data: report.survey.csat.distribution.slice(0, 5).map((v, i) => ({ value: v, itemStyle: { color: colors[i] } })),
      },
    ],
  };
}

/** NPS from -100 to 100: red below 0, amber to 50, green above. */
export function npsGaugeOption(report: ReportDoc, opts: { seriesName: string }): ChartOption {
  const score = report.survey.nps.score;
  return {
    animation: false,
    series: [
      {
        name: opts.seriesName,
        type: 'gauge',
        min: -100,
        max: 100,
        startAngle: 200,
        endAngle: -20,
        radius: '95%',
        center: ['50%', '60%'],
        splitNumber: 4,
        axisLine: { lineStyle: { width: 12, color: [[0.5, '#c62828'], [0.75, '#d97706'], [1, '#12805c']] } },
        axisTick: { show: false },
        splitLine: { length: 8, lineStyle: { color: '#fff', width: 2 } },
        axisLabel: { distance: 16, fontSize: 10, color: C.muted },
        pointer: { show: score !== null, width: 4, length: '60%' },
        anchor: { show: score !== null, size: 8 },
        title: { show: false },
        detail: { valueAnimation: false, fontSize: 22, fontWeight: 700, offsetCenter: [0, '45%'], formatter: () => (score === null ? '—' : String(Math.round(score))) },
        data: [{ value: score === null ? 0 : round3(score), name: opts.seriesName }],
      },
    ],
    tooltip: { show: false },
  };
}
