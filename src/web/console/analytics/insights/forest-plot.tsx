import { useMemo } from 'react';
import type { DriverEffect } from '../../../../server/modules/analytics/core/drivers';
import { EChartBox, type EChartOption } from '../dashboard/echart-box';

const TONE: Record<DriverEffect['verdict'], string> = { raises: '#12805c', lowers: '#c62828', unclear: '#6b7280' };

interface RenderApi {
  value: (dim: number) => number;
  coord: (point: [number, number]) => [number, number];
  size: (v: [number, number]) => [number, number];
  style: (extra?: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * A forest plot: each effect's estimate (points of the outcome per its unit) as a dot with its 95%
 * confidence interval as whiskers, and a line at zero ("no difference"). Green raises, red lowers,
 * grey is unclear (the interval crosses zero).
 */
export default function ForestPlot({ effects, labels, label, axisName, testId }: { effects: DriverEffect[]; labels: string[]; label: string; axisName: string; testId: string }) {
  const option = useMemo((): EChartOption => {
    // Top to bottom in the given order: ECharts' category axis runs bottom-up.
    const rev = [...effects].reverse();
    const names = [...labels].reverse();
    return {
      grid: { left: 8, right: 24, top: 8, bottom: 28, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const i = (p as { dataIndex: number }).dataIndex;
          const e = rev[i];
          if (!e) return '';
          return `${names[i] ?? ''}<br/><b>${e.points.estimate.toFixed(2)}</b> [${e.points.low.toFixed(2)}, ${e.points.high.toFixed(2)}]`;
        },
      },
      xAxis: { type: 'value', name: axisName, nameLocation: 'middle', nameGap: 20, nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: '#eceef2' } }, scale: true },
      yAxis: { type: 'category', data: names, axisLabel: { fontSize: 11, width: 180, overflow: 'truncate' }, axisTick: { show: false } },
      series: [
        {
          type: 'custom',
          name: 'ci',
          renderItem: (_params: unknown, api: RenderApi) => {
            const y = api.value(0);
            const lo = api.coord([api.value(1), y]);
            const hi = api.coord([api.value(2), y]);
            const cap = 5;
            const color = TONE[(rev[y] ?? rev[0]!).verdict];
            const style = { stroke: color, lineWidth: 2 };
            return {
              type: 'group',
              children: [
                { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style },
                { type: 'line', shape: { x1: lo[0], y1: lo[1] - cap, x2: lo[0], y2: lo[1] + cap }, style },
                { type: 'line', shape: { x1: hi[0], y1: hi[1] - cap, x2: hi[0], y2: hi[1] + cap }, style },
              ],
            };
          },
          encode: { x: [1, 2], y: 0 },
          data: rev.map((e, i) => [i, e.points.low, e.points.high]),
          z: 1,
        },
        {
          type: 'scatter',
          name: 'estimate',
          symbolSize: 10,
          data: rev.map((e, i) => ({ value: [e.points.estimate, i], itemStyle: { color: TONE[e.verdict] } })),
          markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: '#1d2129', type: 'dashed', width: 1 }, data: [{ xAxis: 0 }] },
          z: 2,
        },
      ],
    };
  }, [effects, labels, axisName]);
  const height = Math.max(120, 48 + effects.length * 34);
  return (
    <div style={{ height }}>
      <EChartBox option={option} label={label} className="forest-plot" testId={testId} replace={['series', 'yAxis']} />
    </div>
  );
}
