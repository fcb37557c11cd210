import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { actorLabel, type Ctx } from '../../platform/context.js';
import type { DB } from '../../platform/db/db.types.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import { AuditStore } from './audit.store.js';

export interface AuditEntryInput {
  action: string;
  targetType: string;
  targetId: string | null;
  before?: unknown;
  after?: unknown;
}

// Never let a secret reach the audit log, whatever a caller passes.
const SECRET_KEYS = /password|secret|token|hash/i;
function scrub(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(scrub);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEYS.test(k) ? '[redacted]' : scrub(x)]));
  }
  return v;
}

export class AuditService {
  private readonly store: AuditStore;
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {
    this.store = new AuditStore(db);
  }

  /** Records a team write. Pass the transaction of the write so both commit or neither. */
  async record(ctx: Ctx, entry: AuditEntryInput, exec: Kysely<DB> = this.db): Promise<void> {
    const who = actorLabel(ctx.actor);
    await this.store.insert(exec, {
      id: this.ids(),
      at: this.clock.now().toISOString(),
      actor_kind: who.kind,
      actor_id: who.id,
      actor_name: who.name,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      before_json: entry.before === undefined ? null : JSON.stringify(scrub(entry.before)),
      after_json: entry.after === undefined ? null : JSON.stringify(scrub(entry.after)),
      request_id: ctx.requestId,
      ip: ctx.ip,
    });
  }

  async list(ctx: Ctx, limit: number, cursor: string | undefined) {
    requirePermission(ctx.actor, 'audit:read');
    const rows = await this.store.list(limit + 1, cursor);
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({
        id: r.id,
        at: r.at,
        actorKind: r.actor_kind,
        actorId: r.actor_id,
        actorName: r.actor_name,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        before: r.before_json === null ? null : (JSON.parse(r.before_json) as unknown),
        after: r.after_json === null ? null : (JSON.parse(r.after_json) as unknown),
        requestId: r.request_id,
      })),
      nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }
}
