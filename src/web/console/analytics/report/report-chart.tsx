import { BarChart, FunnelChart, GaugeChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
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
  const el = useRef<HTMLDivElement>(null);
  const chartRef = useRef<ReturnType<typeof echarts.init> | null>(null);
  const [width, setWidth] = useState(0);

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const chart = echarts.init(node, undefined, { renderer: 'svg' });
    chartRef.current = chart;
    setWidth(node.clientWidth);
    const observer = new ResizeObserver(() => {
      setWidth(node.clientWidth);
      chart.resize();
    });
    observer.observe(node);
    return () => {
      observer.disconnect();
      chartRef.current = null;
      chart.dispose();
    };
  }, []);

  useEffect(() => {
    if (width > 0) chartRef.current?.setOption(build({ narrow: width < NARROW_CHART_PX, width }), { notMerge: true });
  }, [build, width]);

  return <div ref={el} className={['report-chart', className].filter(Boolean).join(' ')} data-testid={testId} role="img" aria-label={label} />;
}
