/**
 * The naive way, for the interact benchmark's baseline: a `ws` server that writes each vote to
 * SQLite (better-sqlite3, one statement = one transaction, the primary key refusing a second
 * vote) and broadcasts the new tally to every viewer at once, per vote — no per-tick
 * aggregation. Viewers name themselves in the URL (no sign-in: the baseline is spared that cost).
 * Prints "listening on <port>".
 */
import Database from 'better-sqlite3';
import { WebSocketServer, type WebSocket } from 'ws';

const db = new Database(process.env.NAIVE_DB ?? ':memory:');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE IF NOT EXISTS votes (poll_id TEXT NOT NULL, viewer_id TEXT NOT NULL, choice INTEGER NOT NULL, PRIMARY KEY (poll_id, viewer_id))');
const insert = db.prepare('INSERT OR IGNORE INTO votes (poll_id, viewer_id, choice) VALUES (?, ?, ?)');
const POLL = 'naive-poll';
const tally = [0, 0, 0, 0];
let voters = 0;
const clients = new Set<WebSocket>();

const wss = new WebSocketServer({ port: 0, perMessageDeflate: false, maxPayload: 4096 });
wss.on('connection', (ws, req) => {
  const viewer = new URL(req.url ?? '/', 'http://x').searchParams.get('viewer') ?? '';
  clients.add(ws);
  ws.on('close', () => clients.delete(ws));
  ws.send(JSON.stringify({ t: 'welcome', poll: { id: POLL, tally, voters } }));
  ws.on('message', (data) => {
    let m: { t?: string; ref?: string; pollId?: string; choices?: number[] };
    try {
      m = JSON.parse(data.toString()) as typeof m;
    } catch {
      return;
    }
    if (m.t !== 'vote' || !m.ref) return;
    const choice = m.choices?.[0] ?? -1;
    if (m.pollId !== POLL || !(choice >= 0 && choice < tally.length)) return ws.send(JSON.stringify({ t: 'error', ref: m.ref, code: 'INVALID_CHOICE' }));
    if (insert.run(POLL, viewer, choice).changes === 0) return ws.send(JSON.stringify({ t: 'error', ref: m.ref, code: 'ALREADY_VOTED' }));
    tally[choice]! += 1;
    voters += 1;
    ws.send(JSON.stringify({ t: 'ack', ref: m.ref }));
    const msg = JSON.stringify({ t: 'tally', id: POLL, voters, tally });
    for (const c of clients) c.send(msg);
  });
});
wss.on('listening', () => {
  const a = wss.address();
  process.stdout.write(`listening on ${typeof a === 'object' && a ? a.port : 0}\n`);
});
process.on('SIGTERM', () => process.exit(0));
