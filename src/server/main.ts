import { randomBytes } from 'node:crypto';
import type { AppConfig } from './config/config.js';
import { buildApp, ingestServerUrl, type OnairApp } from './app.js';
import { seedDemo } from './flows/seed-demo.flow.js';
import { systemCtx } from './platform/context.js';

export interface StartOptions {
  demo: boolean;
  /** Where human-facing messages go (the one-time password is printed here, never logged). */
  print: (line: string) => void;
}

/** `onair start`: migrate, create the owner on first start, optionally seed the demo, serve. */
export async function startServer(config: AppConfig, opts: StartOptions): Promise<OnairApp> {
  const onair = await buildApp({ config });
  const { services, clock } = onair;
  const owner = await services.team.ensureOwner(systemCtx('first-start'), config.adminEmail, config.adminPassword, () => randomBytes(12).toString('base64url'));
  if (opts.demo) {
    const demo = await seedDemo(services, clock, onair.database);
    if (demo.created) {
      opts.print(`Demo data created: ${demo.brandName}, ${demo.products} products, one scheduled session, one live demo shop with a flash sale, and ${demo.pastSessions?.length ?? 0} earlier sessions with reports of simulated figures (all labelled as demo).`);
      opts.print(`Demo team (one per role, e.g. ${demo.members[2]?.email ?? 'host@demo.onair.local'}), password: ${demo.memberPassword}`);
    }
  }
  const address = await onair.app.listen({ host: config.host, port: config.port });
  const url = new URL(address);
  if (url.hostname === '127.0.0.1' || url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = 'localhost';
  opts.print('');
  opts.print(`Onair is running at ${url.origin}  (database: ${onair.database.describe()})`);
  opts.print(`Console: ${url.origin}/console   API docs: ${url.origin}/docs`);
  opts.print(`RTMP ingest (OBS "Server"): ${ingestServerUrl(config, onair.ingest.port)}   (each session's Stream Key is in its console page)`);
  const ff = services.video.ffmpeg;
  opts.print(ff.ok ? `Playback: HTTP-FLV and HLS (ffmpeg ${ff.version}); recording and restream on` : `Playback: HTTP-FLV only. ffmpeg is missing, so HLS, recording and restream are off (${services.video.capabilities().installHint}; \`onair doctor\` checks)`);
  if (opts.demo) {
    // The demo shop that is live (from the first start): where a newcomer can buy in the room.
    const live = await services.sessions.list(systemCtx('first-start'), { status: 'live', limit: 50 });
    const shop = live.items.find((s) => s.isDemo);
    if (shop) opts.print(`Demo shop, live now: ${url.origin}/live/${shop.id}   (sign up on the page, buy the flash-sale tea, pay in the sandbox)`);
  }
  if (owner.generatedPassword) {
    opts.print('');
    opts.print('First start: an owner account was created. This password is shown only once:');
    opts.print(`  e-mail:   ${owner.email}`);
    opts.print(`  password: ${owner.generatedPassword}`);
    opts.print('Sign in and change it under your name > Change password.');
  } else if (owner.created) {
    opts.print(`Owner account created: ${owner.email} with the password from ONAIR_ADMIN_PASSWORD.`);
  } else {
    opts.print(`Sign in as ${owner.email} (or another team member).`);
  }
  return onair;
}
