import { useMemo } from 'react';
import type { ConcurrencySample } from '../../../../contracts/live-alerts';
import { EChartBox, type EChartOption } from './echart-box';
import { lastMinutes, sampleLine, type LiveFigures } from './dash-series';

const VIEWERS = '#ff4d2e';
const JOINS = '#12805c';
const EXITS = '#c62828';
const COMMENTS = '#1d4ed8';
const LIKES = '#db2777';
const BAR_MINUTES = 15;

export interface DashChartLabels {
  viewers: string;
  viewersAria: string;
  joins: string;
  exits: string;
  entriesAria: string;
  comments: string;
  likes: string;
  chatAria: string;
  minute: (m: number) => string;
}

/** The concurrency line of the last two minutes (about a sample a second). */
export function ViewersLine({ samples, labels, lang }: { samples: readonly ConcurrencySample[]; labels: DashChartLabels; lang: string }) {
  const option = useMemo((): EChartOption => {
    const time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    return {
      grid: { left: 4, right: 8, top: 8, bottom: 4, containLabel: true },
      tooltip: { trigger: 'axis', formatter: (p: unknown) => {
        const first = Array.isArray(p) ? (p[0] as { value: [number, number] } | undefined) : undefined;
        return first ? `${time.format(first.value[0])}<br/>${labels.viewers}: <b>${String(first.value[1])}</b>` : '';
      } },
      xAxis: { type: 'time', splitNumber: 2, axisLabel: { fontSize: 10, hideOverlap: true, formatter: { hour: '{HH}:{mm}', minute: '{HH}:{mm}', second: '{HH}:{mm}:{ss}', millisecond: '{HH}:{mm}:{ss}' } } },
      yAxis: { type: 'value', min: 0, minInterval: 1, splitNumber: 3, axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: '#eceef2' } } },
      series: [{ name: labels.viewers, type: 'line', data: sampleLine(samples), showSymbol: false, lineStyle: { width: 2 }, areaStyle: { opacity: 0.1 }, color: VIEWERS }],
    };
  }, [samples, labels, lang]);
  return <EChartBox option={option} label={labels.viewersAria} className="dash-line" testId="dash-viewers-line" />;
}

function barsOption(minutes: number[], series: { name: string; data: number[]; color: string }[], labels: DashChartLabels): EChartOption {
  return {
    grid: { left: 4, right: 4, top: 26, bottom: 4, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: minutes.map(labels.minute), axisLabel: { fontSize: 10, hideOverlap: true } },
    yAxis: { type: 'value', min: 0, minInterval: 1, splitNumber: 3, axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: '#eceef2' } } },
    series: series.map((s) => ({ name: s.name, type: 'bar', data: s.data, color: s.color, barMaxWidth: 14 })),
  };
}

/** Entries and exits per minute, the last 15 minutes. */
export function EntriesBars({ figures, labels }: { figures: LiveFigures; labels: DashChartLabels }) {
  const option = useMemo(() => {
    const b = lastMinutes([figures.series.joins, figures.series.exits], BAR_MINUTES);
    return barsOption(b.minutes, [
      { name: labels.joins, data: b.values[0]!, color: JOINS },
      { name: labels.exits, data: b.values[1]!, color: EXITS },
    ], labels);
  }, [figures, labels]);
  return <EChartBox option={option} label={labels.entriesAria} className="dash-bars" testId="dash-entries-bars" />;
}

/** Comments and likes per minute, the last 15 minutes. */
export function ChatBars({ figures, labels }: { figures: LiveFigures; labels: DashChartLabels }) {
  const option = useMemo(() => {
    const b = lastMinutes([figures.series.comments, figures.series.likes], BAR_MINUTES);
    return barsOption(b.minutes, [
      { name: labels.comments, data: b.values[0]!, color: COMMENTS },
      { name: labels.likes, data: b.values[1]!, color: LIKES },
    ], labels);
  }, [figures, labels]);
  return <EChartBox option={option} label={labels.chatAria} className="dash-bars" testId="dash-chat-bars" />;
}
