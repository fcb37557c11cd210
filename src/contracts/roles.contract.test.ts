import { describe, expect, it } from 'vitest';
import { permissions, permissionsOf, rolePermissions, teamRoles } from './roles.contract.js';

describe('permission table', () => {
  it('covers the ten roles of handbook ch. 5', () => {
    expect(teamRoles).toHaveLength(10);
    for (const r of teamRoles) expect(rolePermissions[r].length).toBeGreaterThan(0);
  });
  it('gives owner and admin everything and nobody else team or audit access', () => {
    expect(permissionsOf(['owner'])).toEqual([...permissions]);
    expect(permissionsOf(['admin'])).toEqual([...permissions]);
    for (const r of teamRoles.filter((x) => x !== 'owner' && x !== 'admin')) {
      expect(rolePermissions[r]).not.toContain('team:write');
      expect(rolePermissions[r]).not.toContain('audit:read');
    }
  });
  it('keeps read-only roles read-only', () => {
    expect(rolePermissions.analyst.every((p) => p.endsWith(':read'))).toBe(true);
    // Logistics only ships orders; customer service moderates chat, handles orders (returns, refunds) and answers questions.
    expect(rolePermissions.logistics.filter((p) => !p.endsWith(':read'))).toEqual(['fulfilment:write']);
    expect(rolePermissions.cs.filter((p) => !p.endsWith(':read'))).toEqual(['room:moderate', 'orders:write', 'qna:answer']);
  });
  it('unions roles', () => {
    expect(permissionsOf(['host', 'planner'])).toEqual(expect.arrayContaining(['sessions:golive', 'sessions:write']));
  });
});

describe('docs/roles.md', () => {
  it('shows the same table as the code', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync('docs/roles.md', 'utf8');
    for (const r of teamRoles) {
      const row = doc.split('\n').find((l) => l.startsWith(`| ${r} |`));
      expect(row, r).toBeDefined();
      const cells = row!.split('|').slice(2, -1).map((c) => c.trim() === '✓');
      expect(cells, r).toEqual(permissions.map((p) => rolePermissions[r].includes(p)));
    }
  });
});
