import { LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { PriceHistory } from '../api/catalog-api';

echarts.use([LineChart, ScatterChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

/**
 * A SKU's list price as a step line and the prices actually charged as dots, over time.
 * Loaded lazily (ECharts is only needed when someone opens a price history).
 */
export default function PriceChart({ history, labels, formatPrice }: { history: PriceHistory; labels: { list: string; charged: string }; formatPrice: (fen: number) => string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'svg' });
    const oldestFirst = [...history.items].reverse();
    const list = oldestFirst.filter((i) => i.kind === 'list').map((i) => [Date.parse(i.at), i.priceFen]);
    // The list price holds until now: extend the step line to the right edge.
    const last = list[list.length - 1];
    if (last) list.push([Date.now(), last[1]!]);
    const charged = oldestFirst.filter((i) => i.kind === 'charged').map((i) => [Date.parse(i.at), i.priceFen]);
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, data: [labels.list, labels.charged] },
      tooltip: { trigger: 'item', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatPrice(v) : String(v)) },
      xAxis: { type: 'time', splitNumber: el.current.clientWidth < 480 ? 2 : 5, axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatPrice(v) } },
      series: [
        { name: labels.list, type: 'line', step: 'end', data: list, showSymbol: false, lineStyle: { width: 2 }, color: '#ff4d2e' },
        { name: labels.charged, type: 'scatter', data: charged, symbolSize: 7, color: '#1d4ed8' },
      ],
    });
    const onResize = () => { chart.resize(); };
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [history, labels, formatPrice]);
  return <div ref={el} className="price-chart" data-testid="price-chart" role="img" aria-label={labels.list} />;
}
