import type { Kysely } from 'kysely';
import { randomToken } from './auth/tokens.js';
import type { DB } from './db/db.types.js';

/** Instance-wide settings kept in the database (so every node of a cluster agrees). */
export class SettingsStore {
  constructor(private readonly db: Kysely<DB>) {}

  async get(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  /** Returns the stored value, or stores `make()` if none; safe when two nodes race. */
  async getOrCreate(key: string, make: () => string, nowIso: string): Promise<string> {
    const existing = await this.get(key);
    if (existing !== undefined) return existing;
    await this.db
      .insertInto('settings')
      .values({ key, value: make(), updated_at: nowIso })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.get(key))!;
  }
}

/** The signing secret: ONAIR_SECRET when set, else one random key generated once per installation. */
export async function resolveSigningSecret(db: Kysely<DB>, configured: string | undefined, nowIso: string): Promise<string> {
  if (configured) return configured;
  return new SettingsStore(db).getOrCreate('signing_secret', () => randomToken(48), nowIso);
}
