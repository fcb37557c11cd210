import { describe, expect, it } from 'vitest';
import { analyticsTexts } from '../../../../contracts/analytics-texts';
import { groupHints } from './report-hints';
import {
  ANNOTATION_COLORS,
  annotationBands,
  annotationSeries,
  annotationsAt,
  escapeHtml,
  funnelOption,
  labelBands,
  pieSlices,
  legendRows,
  retentionOption,
  trimSurvival,
  type ChartText,
} from './chart-options';
import type { Annotation, ReportDoc } from './report-types';

const T0 = Date.UTC(2026, 10, 27, 10, 0, 0);
const MIN = 60_000;

function ann(kind: Annotation['kind'], title: string, fromMin: number, toMin: number, extra: Partial<Annotation> = {}): Annotation {
  return {
    kind,
    subtype: kind === 'segment' ? 'showcase' : kind,
    title,
    from: T0 + fromMin * MIN,
    to: T0 + toMin * MIN,
    fromMinute: Math.floor(fromMin),
    toMinute: Math.floor(toMin - 1e-9),
    durationMs: (toMin - fromMin) * MIN,
    viewersAtStart: 10,
    viewersAtEnd: 8,
    change: -0.2,
    gmvFen: 0,
    paidOrders: 0,
    orders: 0,
    ...extra,
  };
}

const text: ChartText = {
  minute: 'Minute',
  minuteN: (m) => `Minute ${String(m)}`,
  afterJoining: (m) => `${String(m)} min after joining`,
  annotation: analyticsTexts.en.annotation,
  percent: (s) => `${(s * 100).toFixed(1)}%`,
  count: (n) => String(n),
  money: (fen) => `¥${(fen / 100).toFixed(2)}`,
};

const timeline: Annotation[] = [
  ann('segment', 'Opening', 0, 3),
  ann('pinned', 'Tea <set>', 1.5, 2.5),
  ann('tool', 'Poll', 2, 2), // zero length: still drawn
  ann('segment', 'Q&A', 3, 5),
];

function report(over: Partial<ReportDoc> = {}): ReportDoc {
  return {
    startedAt: T0,
    minutes: 5,
    timeline,
    series: { retention: [1, 0.8, 0.6, null, 0.5] },
    funnel: [
      { step: 'view', viewers: 10, conversion: null, ofViewers: 1 },
      { step: 'click', viewers: 4, conversion: 0.4, ofViewers: 0.4 },
      { step: 'cart', viewers: 2, conversion: 0.5, ofViewers: 0.2 },
      { step: 'order', viewers: 2, conversion: 1, ofViewers: 0.2 },
      { step: 'pay', viewers: 1, conversion: 0.5, ofViewers: 0.1 },
    ],
    ...over,
  } as unknown as ReportDoc;
}

describe('annotation bands (timeline → markArea)', () => {
  it('turns each annotation of a kind into a band from its start to its end in minutes of the live', () => {
    expect(annotationBands(timeline, T0, 'segment')).toEqual([
      [{ name: 'Opening', xAxis: 0, itemStyle: { color: ANNOTATION_COLORS.segment, opacity: 0.07 } }, { xAxis: 3 }],
      // Neighbouring segments alternate their shade so the border between them shows.
      [{ name: 'Q&A', xAxis: 3, itemStyle: { color: ANNOTATION_COLORS.segment, opacity: 0.14 } }, { xAxis: 5 }],
    ]);
    const [pinned] = annotationBands(timeline, T0, 'pinned');
    expect(pinned?.[0].xAxis).toBe(1.5);
    expect(pinned?.[1].xAxis).toBe(2.5);
  });

  it('gives a zero-length annotation a visible width and clips a start before the live to minute 0', () => {
    expect(annotationBands(timeline, T0, 'tool')[0]?.[1].xAxis).toBeCloseTo(2.1);
    const early = [ann('pinned', 'Early', -2, 1)];
    expect(annotationBands(early, T0, 'pinned')[0]?.[0].xAxis).toBe(0);
  });

  it('makes one legend series per kind present (none for absent kinds), segment titles labelled unless narrow', () => {
    const series = annotationSeries(timeline, T0, text, { labels: true });
    expect(series.map((s) => s.name)).toEqual(['Segment', 'Pinned product', 'Tool']);
    for (const s of series) expect(s.data).toEqual([]);
    const seg = series[0] as { markArea: { label: { show: boolean }; data: unknown[] } };
    expect(seg.markArea.data).toHaveLength(2);
    expect(seg.markArea.label.show).toBe(true);
    expect((series[1] as { markArea: { label: { show: boolean } } }).markArea.label.show).toBe(false);
    const narrow = annotationSeries(timeline, T0, text, { labels: false })[0] as { markArea: { label: { show: boolean } } };
    expect(narrow.markArea.label.show).toBe(false);
    expect(annotationSeries([], T0, text, { labels: true })).toEqual([]);
  });

  it('labels segment bands with their titles cut to the band width, none when too narrow', () => {
    // 5 minutes over 1056 - 56 = 1000 px: 200 px a minute.
    const bands = annotationBands(timeline, T0, 'segment');
    const [opening, qa] = labelBands(bands, 5, 1056);
    expect(opening?.[0].label).toEqual({ show: true, width: 594 });
    expect(qa?.[0].label).toEqual({ show: true, width: 394 });
    const tight = labelBands(bands, 60, 400);
    expect(tight.map((b) => b[0].label?.show)).toEqual([false, false]);
  });

  it('finds what was running during a minute', () => {
    expect(annotationsAt(timeline, T0, 0).map((a) => a.title)).toEqual(['Opening']);
    expect(annotationsAt(timeline, T0, 2).map((a) => a.title)).toEqual(['Opening', 'Tea <set>', 'Poll']);
    expect(annotationsAt(timeline, T0, 3).map((a) => a.title)).toEqual(['Q&A']);
  });
});

describe('retention option', () => {
  it('plots the share present per minute in percent (gaps stay gaps) with the bands after the line, all in the legend', () => {
    const o = retentionOption(report(), text, { narrow: false, width: 1000, seriesName: 'Present' }) as {
      series: { name: string; data: unknown[] }[];
      legend: { data: { name: string; icon?: string }[] };
      yAxis: { max: number };
      xAxis: { max: number };
      tooltip: { formatter: (p: unknown) => string };
    };
    // Each minute's share sits in the middle of its minute (minute m spans m…m+1, as the bands do).
    expect(o.series[0]?.data).toEqual([[0.5, 100], [1.5, 80], [2.5, 60], [3.5, null], [4.5, 50]]);
    expect(o.series.slice(1).map((s) => s.name)).toEqual(['Segment', 'Pinned product', 'Tool']);
    expect(o.legend.data).toEqual([{ name: 'Present' }, { name: 'Segment', icon: 'rect' }, { name: 'Pinned product', icon: 'rect' }, { name: 'Tool', icon: 'rect' }]);
    expect(o.xAxis.max).toBe(5);
    expect(o.yAxis.max).toBe(100);
    const low = retentionOption(report({ series: { retention: [0.1, 0.33, 0.2] } as ReportDoc['series'] }), text, { narrow: false, width: 1000, seriesName: 'Present' }) as { yAxis: { max: number } };
    expect(low.yAxis.max).toBe(40);
    const high = retentionOption(report({ series: { retention: [0.5, 0.8, 0.7] } as ReportDoc['series'] }), text, { narrow: false, width: 1000, seriesName: 'Present' }) as { yAxis: { max: number; interval: number } };
    expect([high.yAxis.max, high.yAxis.interval]).toEqual([100, 20]);
    // The tooltip names what ran in that minute, user titles escaped.
    const html = o.tooltip.formatter([{ seriesName: 'Present', marker: '', value: [2.5, 60] }]);
    expect(html).toContain('Minute 2');
    expect(html).toContain('60.0%');
    expect(html).toContain('Tea &lt;set&gt;');
    expect(html).not.toContain('<set>');
  });
});

describe('legend rows and the survival tail', () => {
  it('wraps the legend when the names do not fit the width', () => {
    expect(legendRows(['Present', 'Segment'], 1000)).toBe(1);
    expect(legendRows(['GMV so far', 'GMV in the minute', 'Segment', 'Pinned product', 'Flash sale', 'Tool'], 340)).toBe(2);
    expect(legendRows(['GMV so far', 'GMV in the minute', 'Segment', 'Pinned product', 'Flash sale', 'Tool'], 300)).toBe(3);
  });

  it('cuts the survival curve two minutes after the last first view ended', () => {
    const pts = [1, 0.8, 0.5, 0, 0, 0, 0].map((s, minute) => ({ minute, survival: s, atRisk: s === 0 ? 0 : 10 }));
    expect(trimSurvival(pts).map((p) => p.minute)).toEqual([0, 1, 2, 3, 4]);
    const open = [1, 0.9, 0.9].map((s, minute) => ({ minute, survival: s, atRisk: 5 }));
    expect(trimSurvival(open)).toHaveLength(3);
  });
});

describe('sources pie', () => {
  it('keeps the largest sources and sums the rest as one slice', () => {
    const src = [3, 9, 1, 5, 2].map((viewers, i) => ({ source: `s${String(i)}`, viewers }));
    expect(pieSlices(src, 5).map((s) => s.source)).toEqual(['s1', 's3', 's0', 's4', 's2']);
    expect(pieSlices(src, 3)).toEqual([{ source: 's1', viewers: 9 }, { source: 's3', viewers: 5 }, { source: null, viewers: 6 }]);
  });
});

describe('funnel option', () => {
  it('keeps the steps in order with their step conversion in the label', () => {
    const o = funnelOption(report(), text, { narrow: false, width: 600, stepName: (s) => s.toUpperCase(), ofPrevious: 'of previous' }) as {
      series: { sort: string; data: { name: string; value: number }[]; label: { formatter: (p: { dataIndex: number }) => string } }[];
    };
    const f = o.series[0]!;
    expect(f.sort).toBe('none');
    expect(f.data.map((d) => [d.name, d.value])).toEqual([['VIEW', 10], ['CLICK', 4], ['CART', 2], ['ORDER', 2], ['PAY', 1]]);
    expect(f.label.formatter({ dataIndex: 0 })).toBe('VIEW\n10');
    expect(f.label.formatter({ dataIndex: 1 })).toBe('CLICK\n4 · 40.0%');
  });
});

describe('hints by area', () => {
  it('groups by area in handbook order, most severe first, leaving empty areas out', () => {
    const g = groupHints([
      { code: 'best_source', severity: 'low', area: 'promotion', params: {} },
      { code: 'low_interaction_rate', severity: 'medium', area: 'interaction', params: {} },
      { code: 'high_refund_rate', severity: 'high', area: 'promotion', params: {} },
    ]);
    expect(g.map((x) => [x.area, x.hints.map((h) => h.code)])).toEqual([
      ['interaction', ['low_interaction_rate']],
      ['promotion', ['high_refund_rate', 'best_source']],
    ]);
  });
});

describe('escapeHtml', () => {
  it('escapes what ECharts would otherwise render as markup', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe('&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;');
  });
});
