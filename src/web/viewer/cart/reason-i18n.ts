import type { TFunction } from 'i18next';
import { formatFen } from '../../format/money-format';

/**
 * The pricing engine gives each reason a machine form next to its English sentence: a code and
 * its parameters (money in fen). This renders it from "promotions.reason.<code>" in the buyer's
 * language, so every sentence exists in both languages by construction. A reason without a code
 * (an order priced before codes existed keeps its stored sentence) gets null: the caller falls
 * back to the sentence (reason-text.ts).
 */

export interface CodedReason {
  reason: string;
  code?: string | undefined;
  params?: Record<string, string | number> | undefined;
}

/** Parameters that hold a promotion, coupon or flash sale id: shown as the name people read. */
const ID_PARAMS = new Set(['source', 'other']);

export interface ReasonContext {
  t: TFunction;
  lang: string;
  names: Record<string, string> | undefined;
}

function isMoney(key: string): boolean {
  return key === 'fen' || key.endsWith('Fen');
}

/** The sentence for a coded reason (without its source), or null when it has no known code. */
export function codedReasonText(r: CodedReason, { t, lang, names }: ReasonContext): string | null {
  if (!r.code || !r.params) return null;
  const key = `promotions.reason.${r.code}`;
  const params = r.params;
  const name = (id: string | number): string => names?.[String(id)] ?? String(id);
  const values: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) {
    if (isMoney(k) && typeof v === 'number') values[k] = formatFen(v, lang);
    else if (ID_PARAMS.has(k)) values[k] = name(v);
    else values[k] = v;
  }
  if (typeof params.issuer === 'string') values.issuer = t(`promotions.reason.issuer.${params.issuer}`, { defaultValue: params.issuer });
  if (typeof params.others === 'string') values.others = params.others.split(', ').map(name).join(lang.startsWith('zh') ? '、' : ', ');
  if (r.code === 'not-combined' && typeof params.rule === 'string') {
    const rule = params.rule.replace(/^rule\./, '');
    const subject = String(params.subject ?? '');
    const shown = rule === 'one-per-kind' ? t(`promotions.reason.kind.${subject.replace(':', '-')}`, { defaultValue: subject }) : name(subject);
    values.rule = t(`promotions.reason.rule.${rule}`, { subject: shown, defaultValue: '' });
  }
  const text = t(key, { ...values, defaultValue: '' });
  if (!text || typeof text !== 'string') return null;
  const floor = typeof params.usedFen === 'number' ? t('promotions.reason.floor', { usedFen: formatFen(params.usedFen, lang) }) : '';
  return text + floor;
}

/** The same, prefixed with its source's name ("满100减10: spend …"), as notes and rejections read. */
export function codedReasonWithSource(r: CodedReason, ctx: ReasonContext): string | null {
  const text = codedReasonText(r, ctx);
  if (text === null) return null;
  const source = r.params?.source;
  if (source === undefined) return text;
  return ctx.t('promotions.reason.withSource', { source: ctx.names?.[String(source)] ?? String(source), text });
}
