import { BarChart, CustomChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect } from 'react';
import { useEChart } from '../../../components/use-echart';

echarts.use([BarChart, LineChart, ScatterChart, CustomChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

export type EChartOption = echarts.EChartsCoreOption;

/**
 * One ECharts chart, created once and updated in place: each new `option` is merged into the
 * chart with setOption (no re-creation, no animation), so a chart fed every second does not
 * flicker. `replace` lists components whose arrays are replaced rather than merged (e.g. when
 * the number of series changes).
 */
export function EChartBox({ option, label, className, testId, replace }: { option: EChartOption; label: string; className?: string; testId?: string; replace?: string[] }) {
  const { el, chart } = useEChart();

  useEffect(() => {
    chart.current?.setOption({ animation: false, ...option }, replace ? { replaceMerge: replace } : undefined);
  }, [chart, option, replace]);

  return <div ref={el} className={['echart-box', className].filter(Boolean).join(' ')} data-testid={testId} role="img" aria-label={label} />;
}
