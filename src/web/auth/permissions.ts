import type { Permission } from '../api/api-types';

// Permission strings granted by the server in `member.permissions`.
export const PERMISSIONS = {
  sessionsRead: 'sessions:read',
  sessionsWrite: 'sessions:write',
  sessionsGoLive: 'sessions:golive',
  catalogRead: 'catalog:read',
  teamRead: 'team:read',
  teamWrite: 'team:write',
  auditRead: 'audit:read',
  roomModerate: 'room:moderate',
  ordersRead: 'orders:read',
  promotionsRead: 'promotions:read',
  promotionsWrite: 'promotions:write',
  fulfilmentWrite: 'fulfilment:write',
  streamKey: 'stream:key',
  preflightCheck: 'preflight:check',
  recordingsDelete: 'recordings:delete',
  interactRun: 'interact:run',
  qnaAnswer: 'qna:answer',
  analyticsRead: 'analytics:read',
  audienceSegment: 'audience:segment',
} as const satisfies Record<string, Permission>;
