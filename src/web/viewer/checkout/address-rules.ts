import type { ShippingAddress } from '../../api/commerce-api';

export const ADDRESS_FIELDS = ['name', 'phone', 'region', 'street'] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];

/** Mainland China mobile numbers: 11 digits starting 13-19. */
export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/** The form's own checks (the server checks again); keys of the messages to show per field. */
export function validateAddress(a: ShippingAddress): Partial<Record<AddressField, string>> {
  const out: Partial<Record<AddressField, string>> = {};
  if (!a.name.trim()) out.name = 'orders.viewer.checkout.errors.nameRequired';
  else if (a.name.trim().length > 40) out.name = 'orders.viewer.checkout.errors.nameTooLong';
  if (!a.phone.trim()) out.phone = 'orders.viewer.checkout.errors.phoneRequired';
  else if (!MAINLAND_MOBILE.test(a.phone.replace(/[\s-]/g, ''))) out.phone = 'orders.viewer.checkout.errors.phoneInvalid';
  if (!a.region.trim()) out.region = 'orders.viewer.checkout.errors.regionRequired';
  if (!a.street.trim()) out.street = 'orders.viewer.checkout.errors.streetRequired';
  else if (a.street.trim().length < 4) out.street = 'orders.viewer.checkout.errors.streetTooShort';
  return out;
}
