import { useMemo } from 'react';
import { EChartBox, type EChartOption } from '../dashboard/echart-box';
import { sessionColor } from './compare-format';


/** Per-minute curves of several sessions overlaid (minute 1..n on the x axis). */
export default function CompareCurve({
  series,
  names,
  label,
  minuteLabel,
  format,
  testId,
}: {
  series: (number | null)[][];
  names: string[];
  label: string;
  minuteLabel: string;
  format: (v: number) => string;
  testId: string;
}) {
  const option = useMemo((): EChartOption => {
    return {
      // The sessions' colours are named once above the three charts.
      grid: { left: 8, right: 16, top: 12, bottom: 24, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? format(v) : '–') },
      xAxis: { type: 'value', min: 1, name: minuteLabel, nameLocation: 'middle', nameGap: 22, nameTextStyle: { fontSize: 10 }, minInterval: 1, axisLabel: { fontSize: 10 } },
      yAxis: { type: 'value', min: 0, splitNumber: 4, axisLabel: { fontSize: 10, formatter: (v: number) => format(v) }, splitLine: { lineStyle: { color: '#eceef2' } } },
      series: series.map((s, i) => ({
        name: names[i] ?? String(i + 1),
        type: 'line',
        showSymbol: false,
        connectNulls: false,
        lineStyle: { width: i === 0 ? 2.5 : 1.5 },
        color: sessionColor(i),
        data: s.map((v, m) => [m + 1, v]),
      })),
    };
  }, [series, names, minuteLabel, format]);
  return <EChartBox option={option} label={label} className="compare-curve" testId={testId} replace={['series']} />;
}
