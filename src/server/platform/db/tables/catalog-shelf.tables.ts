/**
 * Tables added to the catalog module by the selling issue (product editing, the session shelf,
 * "now explaining" timestamps). Same conventions as db.types.ts: text ids, ISO-8601 UTC text
 * timestamps, integer 0/1 booleans, integer fen for money, JSON as text. Migration 004.
 *
 * Columns added to existing tables by 004 are declared in db.types.ts (products.archived_at,
 * sku_price_history.kind / order_id).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CatalogShelfTables {}
