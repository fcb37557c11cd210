import { z } from 'zod';

/**
 * Analytics events (issue 7, handbook 7.1.1): one typed schema for everything the pipeline
 * collects. Server-side facts (views, comments, likes, orders, payments, refunds, votes, draw
 * entries, questions, survey answers) are recorded by the modules where they happen, after
 * commit; what only the browser sees (product impressions and clicks, add to cart, shares) comes
 * in as beacons over the room socket (`track`) or `POST /api/analytics/beacons`.
 *
 * Every event has an idempotent `id`: server events derive it from what they describe
 * (`pay:<orderId>`, `vote:<pollId>:<viewerId>`), beacons carry a client-made one. The store keeps
 * the first event with an id and ignores the rest, so a retried beacon or a re-sent fact is never
 * counted twice.
 */

export const analyticsEventTypes = [
  'view_start',
  'view_heartbeat',
  'view_end',
  'comment',
  'like',
  'share',
  'product_impression',
  'product_click',
  'add_to_cart',
  'order',
  'payment',
  'refund',
  'poll_vote',
  'draw_entry',
  'question',
  'reservation',
  'survey_answer',
] as const;
export type AnalyticsEventType = (typeof analyticsEventTypes)[number];

/** Event types a browser may send as beacons; all others are recorded by the server only. */
export const beaconEventTypes = ['product_impression', 'product_click', 'add_to_cart', 'share'] as const;
export type BeaconEventType = (typeof beaconEventTypes)[number];

/**
 * `real`: a person on a real client. `bot`: a crawler or automated client recognised by its user
 * agent or behaviour. `simulated`: traffic from `onair simulate` (its accounts and connections
 * are marked). Only `real` counts in real figures; the others are counted apart and shown as such.
 */
export const trafficKinds = ['real', 'bot', 'simulated'] as const;
export type TrafficKind = (typeof trafficKinds)[number];

/** How a viewer came to the room (first touch of the view). */
export const sourceChannels = ['direct', 'share', 'referral', 'utm', 'referrer', 'internal'] as const;
export type SourceChannel = (typeof sourceChannels)[number];

const token = (field: string, max = 80) =>
  z
    .string({ error: `${field}: expected text` })
    .trim()
    .min(1, `${field}: may not be empty`)
    .max(max, `${field}: at most ${max} characters`);

export const trafficSourceSchema = z.strictObject({
  channel: z.enum(sourceChannels, { error: `source.channel: expected one of ${sourceChannels.join(', ')}` }),
  /** share: the viewer id that shared the link. */
  sharedBy: token('source.sharedBy', 64).optional(),
  /** referral: the referral code. */
  code: token('source.code', 64).optional(),
  utmSource: token('source.utmSource').optional(),
  utmMedium: token('source.utmMedium').optional(),
  utmCampaign: token('source.utmCampaign').optional(),
  /** referrer: the referring page's host name only (never its path: it may carry personal data). */
  referrerHost: token('source.referrerHost', 253).optional(),
});
export type TrafficSource = z.infer<typeof trafficSourceSchema>;

/**
 * One short, stable label per source, used to group figures: `direct`, `share`, `referral:<code>`,
 * `utm:<source>/<medium>/<campaign>`, `referrer:<host>`, `internal`.
 */
export function sourceKey(s: TrafficSource | null | undefined): string {
  if (!s) return 'direct';
  switch (s.channel) {
    case 'referral':
      return s.code ? `referral:${s.code}` : 'referral';
    case 'utm':
      return `utm:${s.utmSource ?? '-'}/${s.utmMedium ?? '-'}/${s.utmCampaign ?? '-'}`;
    case 'referrer':
      return s.referrerHost ? `referrer:${s.referrerHost.toLowerCase()}` : 'referrer';
    default:
      return s.channel;
  }
}

/** A paid or ordered line: per-product figures come from these. */
export const moneyLineSchema = z.strictObject({
  productId: token('lines.productId', 64),
  qty: z.number({ error: 'lines.qty: expected a number' }).int('lines.qty: expected a whole number').min(1).max(100_000),
  /** What the buyer pays for the line, in fen, after discounts. */
  amountFen: z.number({ error: 'lines.amountFen: expected a number' }).int('lines.amountFen: expected whole fen').min(0).max(10_000_000_000),
});
export type MoneyLine = z.infer<typeof moneyLineSchema>;

/** Per-type fields. Absent fields are simply not stored. */
export interface AnalyticsEventProps {
  /** product_impression, product_click, add_to_cart: the product; refund may carry it too. */
  productId?: string;
  /** like: how many likes in this event (a burst); add_to_cart: quantity. Default 1. */
  n?: number;
  /** order, payment, refund: the order; poll_vote: the poll; draw_entry: the draw; question: the question. */
  ref?: string;
  /** order, payment: the order total; refund: the refunded amount (fen). */
  amountFen?: number;
  /** order, payment: the lines (per-product figures). */
  lines?: MoneyLine[];
  /** survey_answer: satisfaction 1-5 (CSAT) and likelihood to recommend 0-10 (NPS). */
  csat?: number;
  nps?: number;
  /** share: where it was shared (copy link, wechat, weibo...). */
  shareChannel?: string;
}

/**
 * An event as recorded. `viewerKey` is the room's principal key: `viewer:<id>` for accounts,
 * `guest:<id>` for guests (a random id kept in the browser).
 */
export interface AnalyticsEvent extends AnalyticsEventProps {
  id: string;
  type: AnalyticsEventType;
  sessionId: string;
  viewerKey: string;
  /** Wall-clock time, ms since epoch. */
  at: number;
  /** Stream time: ms since the session went live (the picture's position), null when unknown. */
  streamMs: number | null;
  /** sourceKey() of the view this event belongs to, null when not known. */
  source: string | null;
  traffic: TrafficKind;
}

// --- beacons: what a browser may send -----------------------------------------------------
const eventId = z
  .string({ error: 'id: expected text' })
  .min(8, 'id: at least 8 characters')
  .max(64, 'id: at most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'id: letters, digits, "-" and "_" only');

export const beaconSchema = z.strictObject({
  id: eventId,
  type: z.enum(beaconEventTypes, { error: `type: expected one of ${beaconEventTypes.join(', ')}` }),
  /** Client time (ms since epoch); the server keeps its own receive time when this is off by more than a minute. */
  at: z.number({ error: 'at: expected ms since epoch' }).int('at: expected whole ms').min(0).optional(),
  productId: token('productId', 64).optional(),
  n: z.number({ error: 'n: expected a number' }).int('n: expected a whole number').min(1, 'n: at least 1').max(100, 'n: at most 100').optional(),
  shareChannel: token('shareChannel', 32).optional(),
});
export type Beacon = z.infer<typeof beaconSchema>;

export const MAX_BEACONS_PER_BATCH = 50;

export const beaconBatchBody = z.strictObject({
  sessionId: token('sessionId', 64),
  /** A guest's browser id (signed-in viewers are known by their cookie). */
  guestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'guestId: 8-64 letters, digits, "-" or "_"').optional(),
  source: trafficSourceSchema.optional(),
  events: z
    .array(beaconSchema, { error: 'events: expected a list' })
    .min(1, 'events: at least one event')
    .max(MAX_BEACONS_PER_BATCH, `events: at most ${MAX_BEACONS_PER_BATCH} per batch`),
});
export type BeaconBatchBody = z.infer<typeof beaconBatchBody>;

export const beaconBatchReply = z.object({ accepted: z.number().int(), duplicates: z.number().int() });

/** A beacon needs its product for the product events. */
export function beaconProblem(b: Beacon): string | null {
  if ((b.type === 'product_impression' || b.type === 'product_click' || b.type === 'add_to_cart') && !b.productId) return `productId: required for ${b.type}`;
  return null;
}

/** A heartbeat is recorded every 30 s of a view; a view is over when none came for this long. */
export const HEARTBEAT_MS = 30_000;
export const VIEW_TIMEOUT_MS = 45_000;
