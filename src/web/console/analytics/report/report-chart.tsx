import { BarChart, FunnelChart, GaugeChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useState } from 'react';
import { useEChart } from '../../../components/use-echart';
import type { ChartOption, ChartSize } from './chart-options';

echarts.use([LineChart, BarChart, PieChart, FunnelChart, GaugeChart, GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent, SVGRenderer]);

/** Below this width a chart drops band labels and moves legends under the plot. */
export const NARROW_CHART_PX = 520;

/**
 * One chart of the report. `build` makes the option for the chart's current width (band labels,
 * legend rows, narrow or not); the chart is created once, resized with its card and redrawn when
 * the option or the width changes.
 * Loaded lazily with the report page's charts (ECharts is only fetched there).
 */
export default function ReportChart({ build, label, testId, className }: { build: (size: ChartSize) => ChartOption; label: string; testId?: string; className?: string }) {
  const [width, setWidth] = useState(0);
  const { el, chart } = useEChart(setWidth);

  useEffect(() => {
    if (width > 0) chart.current?.setOption(build({ narrow: width < NARROW_CHART_PX, width }), { notMerge: true });
  }, [chart, build, width]);

  return <div ref={el} className={['report-chart', className].filter(Boolean).join(' ')} data-testid={testId} role="img" aria-label={label} />;
}
