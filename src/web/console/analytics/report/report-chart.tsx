import { BarChart, FunnelChart, GaugeChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import type { ChartOption } from './chart-options';

echarts.use([LineChart, BarChart, PieChart, FunnelChart, GaugeChart, GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent, SVGRenderer]);

/** Below this width a chart drops band labels and moves legends under the plot. */
export const NARROW_CHART_PX = 520;

/**
 * One chart of the report. `build` makes the option for the chart's current width (narrow or
 * not); the chart is created once, resized with its card and redrawn when the option changes.
 * Loaded lazily with the report page's charts (ECharts is only fetched there).
 */
export default function ReportChart({ build, label, testId, className }: { build: (narrow: boolean) => ChartOption; label: string; testId?: string; className?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chartRef = useRef<ReturnType<typeof echarts.init> | null>(null);
  const [narrow, setNarrow] = useState(false);

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const chart = echarts.init(node, undefined, { renderer: 'svg' });
    chartRef.current = chart;
    setNarrow(node.clientWidth < NARROW_CHART_PX);
    const observer = new ResizeObserver(() => {
      setNarrow(node.clientWidth < NARROW_CHART_PX);
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
    chartRef.current?.setOption(build(narrow), { notMerge: true });
  }, [build, narrow]);

  return <div ref={el} className={['report-chart', className].filter(Boolean).join(' ')} data-testid={testId} role="img" aria-label={label} />;
}
