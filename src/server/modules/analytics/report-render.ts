import * as echarts from 'echarts';
import { analyticsTexts, fillText, hintSentence, type AnalyticsTexts } from '../../../contracts/analytics-texts.js';
import type { ExportTable } from '../../../contracts/analytics.contract.js';
import { csvRow } from '../../platform/csv.js';
import { KPI_DEFS, kpisOf } from './core/compare.js';
import type { Annotation } from './core/report.js';
import type { ReportDoc } from './reports.service.js';

/**
 * The report's tables (one definition for the printable HTML and every CSV export) and its
 * printable HTML with the charts drawn on the server as SVG images (ECharts server-side
 * rendering), so the PDF printed from it carries the same charts as the console.
 */

export type Lang = 'en' | 'zh';
const textsOf = (lang: Lang): AnalyticsTexts => analyticsTexts[lang === 'zh' ? 'zh-CN' : 'en'];

type Cell = string | number | null;
export interface Table {
  key: ExportTable;
  title: string;
  head: string[];
  /** Raw values (CSV): money in yuan, ratios as fractions, times in seconds or minutes as the header says. */
  rows: Cell[][];
  /** What each column shows in HTML. */
  kinds: ('text' | 'int' | 'yuan' | 'ratio' | 'num')[];
}

const yuan = (fen: number | null | undefined): number | null => (fen === null || fen === undefined ? null : Math.round(fen) / 100);
const round = (x: number | null | undefined, digits = 4): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits);
const seconds = (ms: number | null | undefined): number | null => (ms === null || ms === undefined ? null : Math.round(ms / 1000));

function kpiKind(unit: string): Table['kinds'][number] {
  return unit === 'fen' ? 'yuan' : unit === 'ratio' ? 'ratio' : unit === 'count' ? 'int' : 'num';
}

export function reportTables(doc: ReportDoc, lang: Lang): Table[] {
  const t = textsOf(lang);
  const k = kpisOf(doc);
  const c = t.column;
  const annotationTitle = (a: Annotation) =>
    a.kind === 'segment' ? `${(t.segmentKind as Record<string, string>)[a.subtype] ?? a.subtype}: ${a.title}` : a.kind === 'tool' ? `${(t.toolKind as Record<string, string>)[a.subtype] ?? a.subtype}: ${a.title}` : a.title;
  const kpiRows: Cell[][] = KPI_DEFS.map((d) => {
    const v = k[d.key];
    const label = d.unit === 'ms' ? `${t.kpi[d.key]} (s)` : d.unit === 'fen' ? `${t.kpi[d.key]} (¥)` : t.kpi[d.key];
    return [label, d.unit === 'fen' ? yuan(v) : d.unit === 'ms' ? seconds(v) : d.unit === 'ratio' ? round(v) : round(v, 2)];
  });
  kpiRows.push([t.metric.newViewers, doc.audience.newViewers], [t.metric.returningViewers, doc.audience.returningViewers], [t.metric.newFollowers, doc.audience.newFollowers.value], [t.metric.events, doc.events], [`${t.metric.excluded} (${t.metric.bot})`, doc.excluded.bot], [`${t.metric.excluded} (${t.metric.simulated})`, doc.excluded.simulated]);
  const s = doc.series;
  const csatDist = doc.survey.csat.distribution;
  const npsDist = doc.survey.nps.distribution;
  return [
    { key: 'kpis', title: t.section.overview, head: [c.metric, c.value], rows: kpiRows, kinds: ['text', 'num'] },
    {
      key: 'minutes',
      title: t.section.perMinute,
      head: [c.minute, c.present, t.section.retention, c.joins, c.exits, t.kpi.comments, t.kpi.likes, t.kpi.shares, c.impressions, c.clicks, c.carts, c.orders, c.paidOrders, `${c.gmv} (¥)`, `${c.refunded} (¥)`],
      rows: s.present.map((p, m) => [m, p, round(s.retention[m]), s.joins[m] ?? 0, s.exits[m] ?? 0, s.comments[m] ?? 0, s.likes[m] ?? 0, s.shares[m] ?? 0, s.impressions[m] ?? 0, s.clicks[m] ?? 0, s.carts[m] ?? 0, s.orders[m] ?? 0, s.paidOrders[m] ?? 0, yuan(s.gmvFen[m]), yuan(s.refundedFen[m])]),
      kinds: ['int', 'int', 'ratio', 'int', 'int', 'int', 'int', 'int', 'int', 'int', 'int', 'int', 'int', 'yuan', 'yuan'],
    },
    {
      key: 'products',
      title: t.section.products,
      head: [c.product, `${c.explanation} (min)`, c.impressions, c.clicks, c.clickers, c.clickThrough, c.carts, c.orders, c.units, c.paidOrders, `${c.gmv} (¥)`, `${c.refunded} (¥)`, c.buyers, c.conversion],
      rows: doc.products.map((p) => [p.name, round(p.explanationMs / 60_000, 1), p.impressions, p.clicks, p.clickers, round(p.clickThrough), p.carts, p.orders, p.units, p.paidOrders, yuan(p.gmvFen), yuan(p.refundedFen), p.buyers, round(p.conversion)]),
      kinds: ['text', 'num', 'int', 'int', 'int', 'ratio', 'int', 'int', 'int', 'int', 'yuan', 'yuan', 'int', 'ratio'],
    },
    {
      key: 'sources',
      title: t.section.sources,
      head: [c.source, c.viewers, c.share, `${c.avgWatch} (s)`, c.buyers, `${c.gmv} (¥)`, c.conversion],
      rows: doc.sources.map((x) => [x.source, x.viewers, round(x.share), seconds(x.avgWatchMs), x.buyers, yuan(x.gmvFen), round(x.conversion)]),
      kinds: ['text', 'int', 'ratio', 'int', 'int', 'yuan', 'ratio'],
    },
    {
      key: 'segments',
      title: t.section.timeline,
      head: [c.kind, c.title, c.from, c.to, c.viewersAtStart, c.viewersAtEnd, c.change, `${c.gmv} (¥)`, c.orders],
      rows: doc.timeline.map((a) => [t.annotation[a.kind], annotationTitle(a), a.fromMinute, a.toMinute, a.viewersAtStart, a.viewersAtEnd, round(a.change), yuan(a.gmvFen), a.orders]),
      kinds: ['text', 'text', 'int', 'int', 'int', 'int', 'ratio', 'yuan', 'int'],
    },
    {
      key: 'survey',
      title: t.section.survey,
      head: [c.metric, c.answer, c.responses],
      rows: [
        ...csatDist.map((n, i): Cell[] => ['CSAT', i + 1, n]),
        ...npsDist.map((n, i): Cell[] => ['NPS', i, n]),
        ['CSAT', lang === 'zh' ? '平均' : 'mean', round(doc.survey.csat.mean, 2)],
        ['NPS', lang === 'zh' ? '得分' : 'score', round(doc.survey.nps.score, 1)],
        ...doc.surveyComments.map((x): Cell[] => [c.comment, x.comment, null]),
      ],
      kinds: ['text', 'text', 'num'],
    },
    {
      key: 'hints',
      title: t.section.hints,
      head: [c.severity, c.area, c.hint],
      rows: doc.hints.map((h) => [t.severity[h.severity], t.area[h.area], hintSentence(h, t)]),
      kinds: ['text', 'text', 'text'],
    },
  ];
}

/** One table as CSV (UTF-8 with a BOM so spreadsheet programs read Chinese right). */
export function reportCsv(doc: ReportDoc, table: ExportTable, lang: Lang): string {
  const tb = reportTables(doc, lang).find((x) => x.key === table)!;
  return `\uFEFF${[csvRow(tb.head), ...tb.rows.map(csvRow)].join('\r\n')}\r\n`;
}

// --- printable HTML --------------------------------------------------------------------------
const esc = (s: string): string => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

function fmt(v: Cell, kind: Table['kinds'][number], lang: Lang): string {
  if (v === null) return '—';
  if (typeof v === 'string') return esc(v);
  const locale = lang === 'zh' ? 'zh-CN' : 'en-US';
  if (kind === 'ratio') return `${(v * 100).toLocaleString(locale, { maximumFractionDigits: 1 })}%`;
  if (kind === 'yuan') return `¥${v.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return v.toLocaleString(locale, { maximumFractionDigits: 2 });
}

const PALETTE = { segment: 'rgba(84,112,198,0.12)', pinned: 'rgba(145,204,117,0.18)', tool: 'rgba(250,200,88,0.22)', flash_sale: 'rgba(238,102,102,0.14)' } as const;

/** An ECharts option rendered on the server to an SVG string. */
export function svgChart(option: echarts.EChartsCoreOption, width = 900, height = 280): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'Noto Sans CJK SC, Noto Sans, sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function markAreas(doc: ReportDoc, t: AnalyticsTexts): object {
  return {
    silent: true,
    label: { show: false },
    data: doc.timeline.map((a) => [
      { xAxis: String(a.fromMinute), itemStyle: { color: PALETTE[a.kind] }, name: `${t.annotation[a.kind]}: ${a.title}` },
      { xAxis: String(Math.max(a.fromMinute, a.toMinute)) },
    ]),
  };
}

export function reportCharts(doc: ReportDoc, lang: Lang): { title: string; svg: string }[] {
  const t = textsOf(lang);
  const minutes = doc.series.present.map((_, i) => String(i));
  const grid = { left: 56, right: 24, top: 36, bottom: 36 };
  const retention = svgChart({
    grid,
    title: { text: t.section.retention, textStyle: { fontSize: 13 } },
    xAxis: { type: 'category', data: minutes, name: t.column.minute },
    yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    series: [{ type: 'line', data: doc.series.retention, showSymbol: false, lineStyle: { width: 2 }, markArea: markAreas(doc, t) }],
  });
  const gmv = svgChart({
    grid,
    title: { text: t.section.gmvCurve, textStyle: { fontSize: 13 } },
    xAxis: { type: 'category', data: minutes, name: t.column.minute },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `¥${v / 100}` } },
    series: [{ type: 'line', data: doc.series.gmvCumulativeFen, showSymbol: false, areaStyle: { opacity: 0.15 }, markArea: markAreas(doc, t) }],
  });
  const flow = svgChart({
    grid,
    title: { text: `${t.column.joins} / ${t.column.exits}`, textStyle: { fontSize: 13 } },
    legend: { top: 4, right: 10, data: [t.column.joins, t.column.exits] },
    xAxis: { type: 'category', data: minutes },
    yAxis: { type: 'value' },
    series: [
      { name: t.column.joins, type: 'bar', data: doc.series.joins },
      { name: t.column.exits, type: 'bar', data: doc.series.exits.map((x) => -x) },
    ],
  });
  const survival = svgChart(
    {
      grid,
      title: { text: t.section.survival, textStyle: { fontSize: 13 } },
      xAxis: { type: 'category', data: doc.survival.map((p) => String(p.minute)), name: t.column.minute },
      yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
      series: [{ type: 'line', step: 'end', data: doc.survival.map((p) => p.survival), showSymbol: false }],
    },
    440,
    240,
  );
  const funnel = svgChart(
    {
      title: { text: t.section.funnel, textStyle: { fontSize: 13 } },
      series: [
        {
          type: 'funnel',
          top: 36,
          bottom: 10,
          sort: 'none',
          label: { formatter: '{b}: {c}' },
          data: doc.funnel.map((f) => ({ name: t.funnel[f.step], value: f.viewers })),
        },
      ],
    },
    440,
    240,
  );
  return [
    { title: t.section.retention, svg: retention },
    { title: t.section.gmvCurve, svg: gmv },
    { title: `${t.column.joins} / ${t.column.exits}`, svg: flow },
    { title: t.section.survival, svg: survival },
    { title: t.section.funnel, svg: funnel },
  ];
}

/** The printable page runs no script and loads nothing: styles inline, charts as data: images. */
export const PRINT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

const svgImg = (svg: string, alt: string): string => `<img alt="${esc(alt)}" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}">`;

export function renderReportHtml(doc: ReportDoc, lang: Lang, onProgress: (p: number) => void = () => {}): string {
  const t = textsOf(lang);
  const tables = reportTables(doc, lang);
  onProgress(0.2);
  const charts = reportCharts(doc, lang);
  onProgress(0.7);
  const k = kpisOf(doc);
  const when = new Date(doc.startedAt).toISOString().slice(0, 16).replace('T', ' ');
  const mins = Math.round(doc.durationMs / 60_000);
  const tiles = KPI_DEFS.map((d) => {
    const v = k[d.key];
    const shown = d.unit === 'ms' ? (v === null ? '—' : `${Math.round(v / 1000)} s`) : fmt(d.unit === 'fen' ? yuan(v) : v, kpiKind(d.unit), lang);
    return `<div class="tile"><div class="v">${shown}</div><div class="l">${esc(t.kpi[d.key])}</div></div>`;
  }).join('');
  const tableHtml = (tb: Table) =>
    `<h2>${esc(tb.title)}</h2><table><thead><tr>${tb.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${tb.rows
      .map((r) => `<tr>${r.map((cell, i) => `<td class="${tb.kinds[i] === 'text' ? '' : 'n'}">${fmt(cell, tb.kinds[i] ?? 'text', lang)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const byKey = (key: ExportTable) => tables.find((x) => x.key === key)!;
  const hints = doc.hints.length ? `<h2>${esc(t.section.hints)}</h2><ol class="hints">${doc.hints.map((h) => `<li class="${h.severity}"><b>${esc(t.area[h.area])}</b> · ${esc(hintSentence(h, t))}</li>`).join('')}</ol>` : '';
  const banner = doc.simulatedData ? `<p class="banner">${esc(t.section.simulatedData)}</p>` : '';
  const html = `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<title>${esc(doc.title ?? doc.sessionId)} · ${esc(t.section.overview)}</title>
<style>
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; color: #1c2230; margin: 24px; font-size: 12px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 22px 0 8px; break-after: avoid; }
.meta { color: #5b6476; margin-bottom: 12px; }
.banner { background: #fff4e5; border: 1px solid #f0b35a; padding: 8px 10px; border-radius: 6px; font-weight: 600; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; }
.tile { border: 1px solid #dde2ea; border-radius: 6px; padding: 8px; break-inside: avoid; } .tile .v { font-size: 16px; font-weight: 700; } .tile .l { color: #5b6476; font-size: 11px; }
table { border-collapse: collapse; width: 100%; margin-bottom: 6px; font-size: 11px; } th, td { border-bottom: 1px solid #e6e9ef; padding: 4px 6px; text-align: left; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
thead { display: table-header-group; } tr { break-inside: avoid; }
.charts img { width: 100%; max-width: 900px; display: block; margin: 8px 0; break-inside: avoid; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; } .pair img { width: 100%; }
.hints li { margin: 4px 0; } .hints li.high b { color: #b42318; }
.foot { color: #5b6476; margin-top: 18px; font-size: 10px; }
@media print { body { margin: 0; } }
</style></head><body>
<h1>${esc(doc.title ?? doc.sessionId)}</h1>
<div class="meta">${esc(when)} UTC · ${esc(t.metric.duration)} ${mins} min · ${esc(t.metric.events)} ${doc.events.toLocaleString()}</div>
${banner}
<div class="tiles">${tiles}</div>
<div class="charts">${svgImg(charts[0]!.svg, charts[0]!.title)}${svgImg(charts[1]!.svg, charts[1]!.title)}${svgImg(charts[2]!.svg, charts[2]!.title)}<div class="pair">${svgImg(charts[3]!.svg, charts[3]!.title)}${svgImg(charts[4]!.svg, charts[4]!.title)}</div></div>
${hints}
${tableHtml(byKey('products'))}
${tableHtml(byKey('sources'))}
${tableHtml(byKey('segments'))}
${tableHtml(byKey('survey'))}
${tableHtml(byKey('kpis'))}
${tableHtml(byKey('minutes'))}
<p class="foot">${esc(fillText(t.section.definitions, { version: doc.definitionsVersion }))}</p>
</body></html>`;
  onProgress(0.9);
  return html;
}
