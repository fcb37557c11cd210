/**
 * Baseline for the fan-out bench: a naive `ws` chat server. Every comment that arrives is
 * turned into a chat event and sent to every connected client at once, one `send` per
 * client (so each send frames and copies the message again). No batching, no budget.
 * Prints `listening PORT` when ready. Written only for the benchmark.
 */
import { WebSocketServer, WebSocket } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
let n = 0;
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    let m: { t?: string; text?: string };
    try {
      m = JSON.parse(String(data)) as typeof m;
    } catch {
      return;
    }
    if (m.t !== 'chat' || typeof m.text !== 'string') return;
    n++;
    // The same event shape Onair sends (src/contracts/realtime.contract.ts ChatEvent).
    const ev = { t: 'chat', id: `m${String(n).padStart(25, '0')}`, uid: 'v0000000000000000000000001', name: 'bench', role: 'viewer', lvl: 0, text: m.text, n: 1, at: Date.now() };
    const s = JSON.stringify(ev);
    for (const c of wss.clients) if (c.readyState === WebSocket.OPEN) c.send(s);
  });
  ws.on('error', () => {});
});
wss.on('listening', () => {
  const a = wss.address();
  console.log(`listening ${typeof a === 'object' && a ? a.port : String(a)}`);
});
process.on('SIGTERM', () => process.exit(0));
