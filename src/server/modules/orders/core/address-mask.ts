/**
 * The masked form of a shipping address, for lists, queues and exports: the name's first
 * character, the phone's first 3 and last 4 digits, the region, and never the street.
 * "张三 13812345678 广东省深圳市 南山区科技园1号" -> "张* 138****5678 广东省深圳市…"
 */

export interface ShippingAddress {
  name: string;
  phone: string;
  region: string;
  street: string;
}

export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '*';
  return `${chars[0]}${'*'.repeat(Math.max(1, Math.min(chars.length - 1, 3)))}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(Math.max(3, digits.length));
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

export function maskAddress(a: ShippingAddress): string {
  return `${maskName(a.name)} ${maskPhone(a.phone)} ${a.region.trim()}…`;
}
