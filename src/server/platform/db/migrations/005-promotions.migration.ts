import type { Kysely } from 'kysely';

// Tables of the promotions module (promotion definitions, coupon templates, issued coupons, points ledger).

// eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-unused-vars
export async function up(db: Kysely<any>): Promise<void> {}

// eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-unused-vars
export async function down(db: Kysely<any>): Promise<void> {}
