/**
 * Prints the fan-out results as the Markdown tables of docs/benchmarks.md.
 *   npm run bench -- fanout | tee /tmp/fanout.log
 *   npx tsx bench/fanout/table.ts /tmp/fanout.log
 * Reads the last line that is a JSON object (the bench's result).
 */
import { readFileSync } from 'node:fs';

type Rec = Record<string, unknown>;
const file = process.argv[2];
if (!file) {
  console.error('usage: npx tsx bench/fanout/table.ts FILE   (the output of `npm run bench -- fanout`)');
  process.exit(2);
}
const line = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('{"bench":"fanout"'))
  .pop();
if (!line) throw new Error(`no fanout result in ${file}`);
const r = JSON.parse(line) as { figures: Rec & { onair: Rec | null; onairBudgeted: Rec | null }; baselines: { ws: Rec | null; socketIo: Rec | null }; targets: { name: string; goal: string; value: unknown; met: boolean }[] };

const fmt = (v: unknown): string => {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : String(v);
  if (Array.isArray(v)) return v.map(fmt).join(' / ');
  if (typeof v === 'object') return Object.keys(v).length ? JSON.stringify(v) : '–';
  return String(v);
};
const subjects: [string, Rec | null][] = [
  ['naive ws', r.baselines.ws],
  ['Socket.IO', r.baselines.socketIo],
  ['Onair (every comment)', r.figures.onair],
  [`Onair (budget ${fmt(r.figures.onairBudgeted?.danmakuRate)}/s)`, r.figures.onairBudgeted],
];
const rows: [string, string][] = [
  ['deliveries/s', 'deliveriesPerSecond'],
  ['comments sent/s', 'commentsPerSecondSent'],
  ['share delivered (after drain)', 'completeness'],
  ['frames/s received', 'framesPerSecond'],
  ['latency p50 / p99 / max (ms)', 'latency'],
  ['server CPU (cores)', 'serverCpuUtilisation'],
  ['server CPU user / system (s)', 'serverCpuUserSystem'],
  ['**deliveries per server CPU-second**', 'deliveriesPerServerCpuSecond'],
  ['server RSS under load (MB)', 'rssUnderLoad_MB'],
  ['RSS per idle connection (KB)', 'rssPerIdleConnection_KB'],
  ['idle connections held', 'idleHeld'],
  ['time to open the idle connections (ms)', 'idleConnectMs'],
  ['load generator CPU (cores)', 'loadGeneratorCpuUtilisation'],
  ['softirq, all processes (cores)', 'softirqCpuUtilisation'],
  ['other processes (cores)', 'otherProcessesCpuUtilisation'],
  ['missed batches / send errors / closed by server', 'trouble'],
];
const cell = (s: Rec | null, key: string) => {
  if (!s) return '–';
  if (key === 'latency') return `${fmt(s.latencyP50_ms)} / ${fmt(s.latencyP99_ms)} / ${fmt(s.latencyMax_ms)}`;
  if (key === 'trouble') return `${fmt(s.missedBatches)} / ${fmt(s.sendErrors)} / ${fmt(s.closedByServer)}`;
  return fmt(s[key]);
};
const out: string[] = [];
out.push(`| | ${subjects.map(([n]) => n).join(' | ')} |`);
out.push(`| --- | ${subjects.map(() => '---:').join(' | ')} |`);
for (const [label, key] of rows) out.push(`| ${label} | ${subjects.map(([, s]) => cell(s, key)).join(' | ')} |`);
out.push('');
out.push('| target | goal | measured | met |');
out.push('| --- | --- | ---: | :---: |');
for (const t of r.targets) out.push(`| ${t.name} | ${t.goal} | ${fmt(t.value)} | ${t.met ? 'yes' : '**no**'} |`);
console.log(out.join('\n'));
