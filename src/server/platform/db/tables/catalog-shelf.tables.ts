/**
 * Tables added to the catalog module by the selling issue (product editing, the session shelf,
 * "now explaining" timestamps). Same conventions as db.types.ts: text ids, ISO-8601 UTC text
 * timestamps, integer 0/1 booleans, integer fen for money, JSON as text. Migration 004.
 *
 * Columns added to existing tables by 004 are declared in db.types.ts (products.archived_at,
 * sku_price_history.kind / order_id).
 */

/** A session's shelf: the catalog owns this link table (sessions never read it). */
export interface SessionProductsTable {
  session_id: string;
  product_id: string;
  /** 0-based order on the shelf. */
  position: number;
  added_at: string;
}

/** One "now explaining / 讲解中" span: opened by a pin, closed by the next pin, an unpin or the session ending. */
export interface ProductExplanationsTable {
  id: string;
  session_id: string;
  product_id: string;
  started_at: string;
  ended_at: string | null;
  /** 1 while open, NULL once ended (unique per session: at most one open explanation). */
  open_flag: number | null;
}

export interface CatalogShelfTables {
  session_products: SessionProductsTable;
  product_explanations: ProductExplanationsTable;
}
