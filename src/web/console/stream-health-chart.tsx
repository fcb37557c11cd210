import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect } from 'react';
import { useEChart } from '../components/use-echart';
import { formatFps, formatKbpsValue, type HealthPoint } from './stream-health';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

const VIDEO_COLOR = '#1d4ed8';
const FPS_COLOR = '#12805c';

export interface HealthChartLabels {
  video: string;
  fps: string;
  /** The chart's accessible name. */
  aria: string;
}

/**
 * The running publish's video bitrate (kbps, left axis) and frame rate (fps, right axis) over
 * time, from the samples kept every 10 s. Loaded lazily: ECharts is only fetched while a stream
 * is publishing.
 */
export default function StreamHealthChart({ points, labels, lang }: { points: HealthPoint[]; labels: HealthChartLabels; lang: string }) {
  const { el, chart: chartRef } = useEChart();

  useEffect(() => {
    const chart = chartRef.current;
    if (!chart || !el.current) return;
    const narrow = el.current.clientWidth < 360;
    const time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const few = points.length < 4;
    chart.setOption(
      {
        animation: false,
        grid: { left: 4, right: 4, top: 30, bottom: 4, containLabel: true },
        legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 }, data: [labels.video, labels.fps] },
        tooltip: {
          trigger: 'axis',
          formatter: (params: unknown) => {
            const rows = Array.isArray(params) ? (params as { seriesIndex: number; marker: string; seriesName: string; value: [number, number | null] }[]) : [];
            const first = rows[0];
            if (!first) return '';
            const lines = rows.map((p) => {
              const v = p.value[1];
              const text = v === null ? '—' : p.seriesIndex === 0 ? formatKbpsValue(v, lang) : formatFps(v, lang);
              return `${p.marker}${echarts.format.encodeHTML(p.seriesName)}: <b>${text}</b>`;
            });
            return [time.format(first.value[0]), ...lines].join('<br/>');
          },
        },
        xAxis: {
          type: 'time',
          splitNumber: narrow ? 2 : 4,
          // Clock time at whatever step the span calls for (seconds in the first minutes), never month names.
          axisLabel: { hideOverlap: true, fontSize: 10, formatter: { day: '{MM}-{dd}', hour: '{HH}:{mm}', minute: '{HH}:{mm}', second: '{HH}:{mm}:{ss}', millisecond: '{HH}:{mm}:{ss}' } },
        },
        yAxis: [
          { type: 'value', min: 0, splitNumber: 3, axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: '#eceef2' } } },
          // fps: from 0 with a step of room above the highest, so a steady 30 sits clear of the top edge and a drop shows.
          { type: 'value', min: 0, max: (v: { max: number }) => Math.max(40, Math.ceil((v.max + 1) / 10) * 10), splitNumber: 3, axisLabel: { fontSize: 10 }, splitLine: { show: false } },
        ],
        series: [
          {
            name: labels.video,
            type: 'line',
            yAxisIndex: 0,
            data: points.map((p) => [p.at, p.kbps]),
            showSymbol: few,
            symbolSize: 5,
            lineStyle: { width: 2 },
            areaStyle: { opacity: 0.08 },
            color: VIDEO_COLOR,
          },
          {
            name: labels.fps,
            type: 'line',
            yAxisIndex: 1,
            data: points.map((p) => [p.at, p.fps]),
            showSymbol: few,
            symbolSize: 5,
            lineStyle: { width: 1.5 },
            color: FPS_COLOR,
          },
        ],
      },
      { notMerge: true },
    );
  }, [chartRef, el, points, labels, lang]);

  return <div ref={el} className="stream-health-chart" data-testid="stream-health-chart" role="img" aria-label={labels.aria} />;
}
