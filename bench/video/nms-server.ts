/**
 * Baseline of the video bench: node-media-server 4's own RTMP server and HTTP-FLV
 * (`GET /live/<name>.flv`), as its README starts it (`new NodeMediaServer(config).run()`), bound to
 * 127.0.0.1 on the ports given. Auth off (it runs on loopback only), no web admin, no API (no
 * `auth.jwt`), its store in a temp folder; logging at warn (the constructor forces debug), as the
 * Onair server runs with ONAIR_LOG_LEVEL=warn. Prints `listening <http port>` when ready.
 *
 * Usage: node --import tsx bench/video/nms-server.ts RTMP_PORT HTTP_PORT DATA_DIR
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const NodeMediaServer = require('node-media-server') as new (config: object, configPath?: string) => { run(): Promise<void>; httpServer: { httpServer?: Server } };
const logger = require('node-media-server/src/core/logger.js') as { level: string };

const [rtmpPort, httpPort, dir] = process.argv.slice(2);
if (!rtmpPort || !httpPort || !dir) throw new Error('usage: nms-server.ts RTMP_PORT HTTP_PORT DATA_DIR');
const config = {
  bind: '127.0.0.1',
  rtmp: { port: Number(rtmpPort) },
  http: { port: Number(httpPort) },
  auth: { play: false, publish: false, secret: '' },
  webadmin: { enable: false },
  store: { path: dir },
  record: { auto: false, path: `${dir}/record` },
  notify: { url: '' },
};
const nms = new NodeMediaServer(config, `${dir}/config.json`);
logger.level = 'warn';
nms.httpServer.httpServer!.once('listening', () => process.stdout.write(`listening ${httpPort}\n`));
void nms.run();
process.on('SIGTERM', () => process.exit(0));
