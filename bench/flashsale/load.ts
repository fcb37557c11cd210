/**
 * Load generator of bench/flashsale: its own process (pinned to its own core), keep-alive HTTP
 * through autocannon's client. Reads a JSON job file (argv[2]), fires every buyer's purchase
 * attempts at the flash sale, prints one JSON result line.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

interface Job {
  origin: string;
  path: string;
  buyers: { cookie: string; csrf: string; ip: string }[];
  attemptsPerBuyer: number;
  connections: number;
  body: { lines: { skuId: string; quantity: number; flashSaleId?: string }[]; usePoints: boolean; expectedTotalFen: number; address: Record<string, string> };
  /** Epoch ms to start at (the sale's opening minus a little: buyers hammer before the hour). */
  startAt: number;
  /** Extra header name of the naive baseline's buyer id, if any. */
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Job;
const total = job.buyers.length * job.attemptsPerBuyer;
const bodyHead = JSON.stringify({ lines: job.body.lines, usePoints: job.body.usePoints, expectedTotalFen: job.body.expectedTotalFen, address: job.body.address }).slice(0, -1);

let next = 0;
const counts: Record<string, number> = {};
const t: { firstSuccess: number | null; lastSuccess: number | null; firstSoldOut: number | null; firstOpen: number | null } = { firstSuccess: null, lastSuccess: null, firstSoldOut: null, firstOpen: null };
const orderIds: string[] = [];

async function main() {
  const wait = job.startAt - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const startedEpoch = Date.now();
  const result = await autocannon({
    url: job.origin,
    connections: job.connections,
    pipelining: 1,
    amount: total,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: job.path,
        setupRequest: (req) => {
          const i = next++;
          const b = job.buyers[i % job.buyers.length]!;
          return {
            ...req,
            headers: { 'content-type': 'application/json', cookie: b.cookie, 'x-csrf-token': b.csrf, 'x-forwarded-for': b.ip },
            body: `${bodyHead},"idempotencyKey":"bench-${i.toString(36)}-${b.ip.replaceAll('.', '')}"}`,
          };
        },
        onResponse: (status, body) => {
          const now = performance.now() - started;
          let code = String(status);
          if (status === 409 || status === 400) {
            try {
              code = `${status} ${(JSON.parse(body) as { error: { code: string } }).error.code}`;
            } catch {
              /* keep the status */
            }
          }
          counts[code] = (counts[code] ?? 0) + 1;
          if (code !== '409 NOT_OPEN' && t.firstOpen === null) t.firstOpen = now;
          if (status === 201) {
            t.firstSuccess ??= now;
            t.lastSuccess = now;
            try {
              orderIds.push((JSON.parse(body) as { order: { id: string } }).order.id);
            } catch {
              /* baseline replies have no order */
            }
          }
          if (code === '409 SOLD_OUT' && t.firstSoldOut === null) t.firstSoldOut = now;
        },
      },
    ],
  });
  const elapsedMs = performance.now() - started;
  process.stdout.write(
    `${JSON.stringify({
      startedEpoch,
      elapsedMs,
      attempts: result.requests.total,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      counts,
      t,
      latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
      orderIds,
      loadCpuS: (process.cpuUsage(cpuStart).user + process.cpuUsage(cpuStart).system) / 1e6,
    })}\n`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
