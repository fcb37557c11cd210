// Types only: the web bundle imports this file, and zod must stay out of it. The patterns below
// hold every bound of trafficSourceSchema (tested against it on the server).
import type { TrafficSource } from './analytics-events.contract.js';

/**
 * Traffic sources from URL query parameters, shared by the server (the room socket's URL) and the
 * web app (its beacons when the socket is not there).
 */

/** Query parameters the room page puts on its WebSocket URL (from its own URL and document.referrer). */
export const SOURCE_PARAMS = ['src', 'by', 'ref', 'utm_source', 'utm_medium', 'utm_campaign', 'rh'] as const;

const HOST = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::\d{1,5})?$/;
const TOKEN = /^[\p{L}\p{N}_.~+-]{1,80}$/u;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

const clean = (v: string | null | undefined, re: RegExp): string | undefined => {
  const t = v?.trim();
  return t && re.test(t) ? t : undefined;
};

/**
 * Where a viewer came from, read from `src`, `by`, `ref`, `utm_*` and `rh`. Bad values are
 * dropped one by one (never a refusal: a mangled link still watches); what is left decides the
 * channel, most specific first: a share link (`src=share` with its sharer), a referral code, a
 * UTM campaign, the referring site's host, `src=internal`; nothing usable is null (direct).
 */
export function sourceFromParams(get: (name: (typeof SOURCE_PARAMS)[number]) => string | null | undefined): TrafficSource | null {
  const src = get('src')?.trim().toLowerCase();
  const by = clean(get('by'), ID);
  const code = clean(get('ref'), ID);
  const utmSource = clean(get('utm_source'), TOKEN);
  const utmMedium = clean(get('utm_medium'), TOKEN);
  const utmCampaign = clean(get('utm_campaign'), TOKEN);
  const referrerHost = clean(get('rh'), HOST)?.toLowerCase();
  let s: TrafficSource | null = null;
  if (src === 'share' && by) s = { channel: 'share', sharedBy: by };
  else if (code && (src === 'referral' || src === undefined || src === '' || src === 'share')) s = { channel: 'referral', code };
  else if (utmSource || utmMedium || utmCampaign) {
    s = { channel: 'utm', ...(utmSource ? { utmSource } : {}), ...(utmMedium ? { utmMedium } : {}), ...(utmCampaign ? { utmCampaign } : {}) };
  } else if (referrerHost) s = { channel: 'referrer', referrerHost };
  else if (src === 'internal') s = { channel: 'internal' };
  return s;
}

/**
 * The source parameters for the room socket's URL, from the page's own URL (`src`, `by`, `ref`,
 * `utm_*`) and the referring page (`rh`: its host only, and only when it is another site).
 */
export function sourceParamsOf(pageUrl: URL, referrer: string | null | undefined): URLSearchParams {
  const out = new URLSearchParams();
  for (const k of SOURCE_PARAMS) {
    if (k === 'rh') continue;
    const v = pageUrl.searchParams.get(k)?.trim();
    if (v) out.set(k, v.slice(0, 256));
  }
  if (referrer) {
    try {
      const r = new URL(referrer);
      if ((r.protocol === 'http:' || r.protocol === 'https:') && r.host !== pageUrl.host) out.set('rh', r.hostname);
    } catch {
      // not a URL: no referrer
    }
  }
  return out;
}
