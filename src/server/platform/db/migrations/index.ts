import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-foundation.migration.js';
import * as m002 from './002-live-room.migration.js';
import * as m003 from './003-session-details.migration.js';
import * as m004 from './004-catalog-shelf.migration.js';
import * as m005 from './005-promotions.migration.js';
import * as m006 from './006-flash-sales.migration.js';
import * as m007 from './007-orders.migration.js';
import * as m008 from './008-flash-reservations.migration.js';
import * as m009 from './009-video.migration.js';
import * as m010 from './010-recordings.migration.js';
import * as m011 from './011-restream.migration.js';
import * as m012 from './012-preflight.migration.js';
import * as m013 from './013-interact.migration.js';
import * as m014 from './014-analytics.migration.js';

/**
 * Migrations are listed in code (not read from a folder at run time) so the compiled
 * build and the TypeScript sources run the same list. Append; never edit a landed one.
 */
export const migrations: Record<string, Migration> = {
  '001-foundation': m001,
  '002-live-room': m002,
  '003-session-details': m003,
  '004-catalog-shelf': m004,
  '005-promotions': m005,
  '006-flash-sales': m006,
  '007-orders': m007,
  '008-flash-reservations': m008,
  '009-video': m009,
  '010-recordings': m010,
  '011-restream': m011,
  '012-preflight': m012,
  '013-interact': m013,
  '014-analytics': m014,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
