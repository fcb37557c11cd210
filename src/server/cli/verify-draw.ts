import { readFile } from 'node:fs/promises';
import { drawRecordSchema } from '../../contracts/draw.contract.js';
import { verifyDraw } from '../modules/interact/core/fair-draw.js';

/**
 * `onair verify-draw <file-or-url>`: recompute a published draw record's commitment, entrants
 * hash and winners and say whether they match. Exit code 0 when it matches, 1 when not, 2 when the
 * record cannot be read or is not a draw record.
 */

export interface VerifyDrawIo {
  print(line: string): void;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

class BadInput extends Error {}

async function readSource(source: string, io: VerifyDrawIo): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    const timeoutMs = io.timeoutMs ?? 10_000;
    let res: Response;
    try {
      res = await (io.fetch ?? fetch)(source, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    } catch (err) {
      const why = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError') ? `no answer within ${timeoutMs / 1000} s` : err instanceof Error ? err.message : String(err);
      throw new BadInput(`could not fetch ${source}: ${why}`);
    }
    if (!res.ok) throw new BadInput(`could not fetch ${source}: HTTP ${res.status}`);
    return res.text();
  }
  try {
    return await readFile(source, 'utf8');
  } catch (err) {
    throw new BadInput(`could not read ${source}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

export async function runVerifyDraw(source: string, io: VerifyDrawIo): Promise<0 | 1 | 2> {
  let data: unknown;
  try {
    const text = await readSource(source, io);
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new BadInput(`${source} is not JSON: ${(err as Error).message}`);
    }
  } catch (err) {
    if (!(err instanceof BadInput)) throw err;
    io.print(`Bad input: ${err.message}`);
    return 2;
  }
  const parsed = drawRecordSchema.safeParse(data);
  if (!parsed.success) {
    io.print(`Bad input: ${source} is not a draw record:`);
    for (const issue of parsed.error.issues) io.print(`  ${issue.path.length ? issue.path.join('.') : '(record)'}: ${issue.message}`);
    return 2;
  }
  const rec = parsed.data;
  const v = verifyDraw(rec);
  io.print(`Draw ${rec.drawId} (session ${rec.sessionId}, ${rec.algorithm}): ${rec.entrants.length} entrants, ${rec.winnerCount} winner(s) asked`);
  if (v.winners) io.print(`Recomputed winners: ${v.winners.length ? v.winners.join(', ') : '(none)'}`);
  if (v.ok) {
    io.print('MATCHES: the commitment, the entrants hash and the winners all agree with the published seed and entrants.');
    return 0;
  }
  io.print('DOES NOT MATCH:');
  for (const p of v.problems) io.print(`  ${p}`);
  return 1;
}
