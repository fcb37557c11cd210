/**
 * Baseline of bench/flashsale: the naive flash sale, per attempt
 *   auth (one SELECT of the sign-in session, as Onair does), BEGIN;
 *   SELECT stock_left ... FOR UPDATE; UPDATE ... SET stock_left = stock_left - 1; COMMIT
 * on PostgreSQL, behind a minimal node:http server (no framework, no validation library).
 * Env: DATABASE_URL, PG_SCHEMA, SALE_ID, POOL_MAX. Prints "listening on <port>".
 */
import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 10), options: `-c search_path="${process.env.PG_SCHEMA}"` });
const saleId = process.env.SALE_ID!;

const send = (res: ServerResponse, status: number, body: unknown) => {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
  res.end(s);
};

const server = createServer((req, res) => {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (raw += c));
  req.on('end', () => {
    void (async () => {
      try {
        const body = JSON.parse(raw) as { lines: { quantity: number }[] };
        const qty = body.lines[0]?.quantity ?? 1;
        const token = /onair_viewer=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
        if (!token) return send(res, 401, { error: { code: 'UNAUTHENTICATED' } });
        const who = await pool.query('select principal_id from auth_sessions where id = $1 and revoked_at is null', [createHash('sha256').update(token).digest('hex')]);
        if (who.rowCount === 0) return send(res, 401, { error: { code: 'UNAUTHENTICATED' } });
        const c = await pool.connect();
        try {
          await c.query('begin');
          const r = await c.query<{ stock_left: number }>('select stock_left from naive_flash where id = $1 for update', [saleId]);
          if ((r.rows[0]?.stock_left ?? 0) < qty) {
            await c.query('rollback');
            return send(res, 409, { error: { code: 'SOLD_OUT' } });
          }
          await c.query('update naive_flash set stock_left = stock_left - $2 where id = $1', [saleId, qty]);
          await c.query('commit');
          return send(res, 201, { ok: true });
        } catch (e) {
          await c.query('rollback').catch(() => undefined);
          throw e;
        } finally {
          c.release();
        }
      } catch {
        send(res, 500, { error: { code: 'INTERNAL' } });
      }
    })();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  console.log(`listening on ${typeof a === 'object' && a ? a.port : 0}`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
