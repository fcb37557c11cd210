import * as echarts from 'echarts/core';
import { useEffect, useRef, type RefObject } from 'react';

export type EChart = ReturnType<typeof echarts.init>;

/**
 * An ECharts instance bound to a div for the component's life: created once (SVG renderer),
 * resized with its box (a card changes width with the layout, not only with the window) and
 * disposed on unmount. `onWidth` gets the box's width at creation and on every resize. The
 * caller registers the chart types and components it draws (`echarts.use`).
 */
export function useEChart(onWidth?: (width: number) => void): { el: RefObject<HTMLDivElement | null>; chart: RefObject<EChart | null> } {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<EChart | null>(null);
  const widthListener = useRef(onWidth);
  widthListener.current = onWidth;

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const c = echarts.init(node, undefined, { renderer: 'svg' });
    chart.current = c;
    widthListener.current?.(node.clientWidth);
    const observer = new ResizeObserver(() => {
      widthListener.current?.(node.clientWidth);
      c.resize();
    });
    observer.observe(node);
    return () => {
      observer.disconnect();
      chart.current = null;
      c.dispose();
    };
  }, []);

  return { el, chart };
}
