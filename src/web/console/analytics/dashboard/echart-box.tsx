import { BarChart, CustomChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, LineChart, ScatterChart, CustomChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

export type EChartOption = echarts.EChartsCoreOption;

/**
 * One ECharts chart, created once and updated in place: each new `option` is merged into the
 * chart with setOption (no re-creation, no animation), so a chart fed every second does not
 * flicker. `replace` lists components whose arrays are replaced rather than merged (e.g. when
 * the number of series changes).
 */
export function EChartBox({ option, label, className, testId, replace }: { option: EChartOption; label: string; className?: string; testId?: string; replace?: string[] }) {
  const el = useRef<HTMLDivElement>(null);
  const chartRef = useRef<ReturnType<typeof echarts.init> | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'svg' });
    chartRef.current = chart;
    const observer = new ResizeObserver(() => { chart.resize(); });
    observer.observe(el.current);
    return () => {
      observer.disconnect();
      chartRef.current = null;
      chart.dispose();
    };
  }, []);

  useEffect(() => {
    chartRef.current?.setOption({ animation: false, ...option }, replace ? { replaceMerge: replace } : undefined);
  }, [option, replace]);

  return <div ref={el} className={['echart-box', className].filter(Boolean).join(' ')} data-testid={testId} role="img" aria-label={label} />;
}
