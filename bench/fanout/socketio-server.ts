/**
 * Baseline for the fan-out bench: a default Socket.IO server (default options) where every
 * client joins one room and every `chat` event is broadcast to the room as it arrives
 * (`io.to(room).emit`). Prints `listening PORT` when ready. Written only for the benchmark.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http);
let n = 0;
io.on('connection', (socket) => {
  void socket.join('live');
  socket.on('chat', (m: { text?: unknown }) => {
    if (typeof m?.text !== 'string') return;
    n++;
    // The same event shape Onair sends (src/contracts/realtime.contract.ts ChatEvent).
    io.to('live').emit('chat', { t: 'chat', id: `m${String(n).padStart(25, '0')}`, uid: 'v0000000000000000000000001', name: 'bench', role: 'viewer', lvl: 0, text: m.text, n: 1, at: Date.now() });
  });
});
http.listen(0, '127.0.0.1', () => {
  const a = http.address();
  console.log(`listening ${typeof a === 'object' && a ? a.port : a}`);
});
process.on('SIGTERM', () => process.exit(0));
