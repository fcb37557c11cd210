import { z } from 'zod';
import { teamRoles, permissions } from './roles.contract.js';

/** The error body every 4xx/5xx carries. */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string(),
    retryAfterSeconds: z.number().int().optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

/** For routes that take no query string or no body: anything sent is named and refused. */
export const noQuery = z.strictObject({});
export const noBody = z.strictObject({}).nullish();

export const idParam = z.object({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id') });

const isoDate = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with time zone' });

// --- team --------------------------------------------------------------------------
export const teamRoleSchema = z.enum(teamRoles);
export const permissionSchema = z.enum(permissions);
export const emailSchema = z.email({ error: 'expected an e-mail address' }).max(254).transform((s) => s.toLowerCase());
export const passwordSchema = z.string().min(10, 'expected at least 10 characters').max(256, 'expected at most 256 characters');

export const memberSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(teamRoleSchema),
  permissions: z.array(permissionSchema),
  status: z.enum(['active', 'disabled']),
  isDemo: z.boolean(),
  createdAt: z.string(),
});
export type Member = z.infer<typeof memberSchema>;

export const signinBody = z.strictObject({ email: emailSchema, password: z.string().min(1, 'required').max(256) });
export const meReply = z.object({ member: memberSchema, csrfToken: z.string() });
export const changePasswordBody = z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: passwordSchema });

export const createMemberBody = z.strictObject({
  email: emailSchema,
  displayName: z.string().trim().min(1).max(80),
  roles: z.array(teamRoleSchema).min(1, 'expected at least one role').max(teamRoles.length),
  password: passwordSchema,
});
export const updateMemberBody = z
  .strictObject({
    displayName: z.string().trim().min(1).max(80).optional(),
    roles: z.array(teamRoleSchema).min(1, 'expected at least one role').max(teamRoles.length).optional(),
    status: z.enum(['active', 'disabled']).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'expected at least one field to change' });
export const memberListReply = z.object({ items: z.array(memberSchema) });

// --- audit -------------------------------------------------------------------------
export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actorKind: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
});
export const cursorQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(64).regex(/^[A-Za-z0-9_-]*$/, 'expected a cursor from a previous page').optional(),
});
export const auditListReply = z.object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() });

// --- live sessions -----------------------------------------------------------------
export const sessionStatuses = ['draft', 'scheduled', 'live', 'ended', 'archived'] as const;
export const sessionThemes = ['launch', 'festival', 'clearance', 'brand_day', 'new_arrivals', 'seasonal', 'other'] as const;
export const sessionVisibilities = ['public', 'unlisted', 'private'] as const;
export const liveSessionSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(sessionStatuses),
  theme: z.enum(sessionThemes),
  visibility: z.enum(sessionVisibilities),
  scheduledStart: z.string().nullable(),
  plannedMinutes: z.number().int(),
  brandName: z.string().nullable(),
  isDemo: z.boolean(),
  /** Public URL of the cover image, or null. */
  coverUrl: z.string().nullable(),
  /** Invite code of a private session (console only; viewers open /live/:id?invite=<code>). */
  inviteCode: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type LiveSession = z.infer<typeof liveSessionSchema>;
const sessionFields = {
  title: z.string().trim().min(1, 'required').max(120, 'expected at most 120 characters'),
  theme: z.enum(sessionThemes),
  visibility: z.enum(sessionVisibilities),
  scheduledStart: isoDate.nullable(),
  plannedMinutes: z.number().int('expected an integer').min(5, 'expected at least 5').max(24 * 60, 'expected at most 1440'),
};
export const createSessionBody = z.strictObject({
  ...sessionFields,
  theme: sessionFields.theme.default('other'),
  visibility: sessionFields.visibility.default('public'),
  scheduledStart: sessionFields.scheduledStart.optional(),
  plannedMinutes: sessionFields.plannedMinutes.default(90),
});
export const updateSessionBody = z
  .strictObject({
    title: sessionFields.title.optional(),
    theme: sessionFields.theme.optional(),
    visibility: sessionFields.visibility.optional(),
    scheduledStart: sessionFields.scheduledStart.optional(),
    plannedMinutes: sessionFields.plannedMinutes.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'expected at least one field to change' });
export const transitionBody = z.strictObject({
  to: z.enum(['scheduled', 'live', 'ended', 'archived']),
  reason: z.string().max(200).optional(),
});
export const sessionListQuery = z.strictObject({
  status: z.enum(sessionStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(64).regex(/^[A-Za-z0-9_-]*$/, 'expected a cursor from a previous page').optional(),
});
export const sessionListReply = z.object({ items: z.array(liveSessionSchema), nextCursor: z.string().nullable() });
export const publicSessionSchema = liveSessionSchema.pick({
  id: true,
  title: true,
  status: true,
  theme: true,
  scheduledStart: true,
  plannedMinutes: true,
  brandName: true,
  isDemo: true,
  coverUrl: true,
});
export const inviteCodeSchema = z.string().min(4).max(32).regex(/^[A-Za-z0-9]+$/, 'expected an invite code');
export const publicSessionQuery = z.strictObject({ invite: inviteCodeSchema.optional() });

export const coverMimes = ['image/png', 'image/jpeg', 'image/webp'] as const;
export const MAX_COVER_BYTES = 2 * 1024 * 1024;
export const coverBody = z.strictObject({
  contentType: z.enum(coverMimes),
  /** The image, base64-encoded (at most 2 MiB decoded). */
  dataBase64: z
    .string()
    .min(8, 'expected an image')
    .max(Math.ceil((MAX_COVER_BYTES * 4) / 3) + 4, 'expected at most 2 MiB')
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected base64'),
});
export const staffSchema = z.object({
  assignments: z.array(z.object({ memberId: z.string(), displayName: z.string(), duty: teamRoleSchema })),
});
export const staffBody = z.strictObject({
  assignments: z
    .array(z.strictObject({ memberId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id'), duty: teamRoleSchema }))
    .max(50, 'expected at most 50 assignments'),
});

// --- catalog (defined in catalog.contract.ts) --------------------------------------
export { productSchema, productListReply, skuSchema } from './catalog.contract.js';

// --- viewers -----------------------------------------------------------------------
export const nicknameSchema = z
  .string()
  .trim()
  .min(2, 'expected at least 2 characters')
  .max(24, 'expected at most 24 characters')
  .regex(/^[\p{L}\p{N}_\-. ]+$/u, 'expected letters, digits, spaces, _ - or .');
export const viewerSchema = z.object({ id: z.string(), nickname: z.string() });
export const viewerAuthBody = z.strictObject({ nickname: nicknameSchema, password: z.string().min(1, 'required').max(256) });
export const viewerSignupBody = z.strictObject({ nickname: nicknameSchema, password: z.string().min(8, 'expected at least 8 characters').max(256, 'expected at most 256 characters') });
export const viewerMeReply = z.object({ viewer: viewerSchema, csrfToken: z.string() });
export const guestReply = z.object({ guestToken: z.string(), guestId: z.string(), expiresAt: z.string() });

// --- live room (moderation and live figures) ------------------------------------------
const idPart = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id');
export const messageParams = z.object({ id: idPart, messageId: idPart });
export const sanctionParams = z.object({ id: idPart, sanctionId: idPart });
export const reportParams = z.object({ id: idPart, reportId: idPart });
export const chatStatuses = ['visible', 'held', 'deleted', 'rejected'] as const;
export const chatListQuery = z.strictObject({
  status: z.enum(chatStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
  before: idPart.optional(),
});
export const chatMessageSchema = z.object({
  id: z.string(),
  senderKind: z.string(),
  senderId: z.string(),
  senderName: z.string(),
  role: z.string(),
  text: z.string(),
  status: z.enum(chatStatuses),
  createdAt: z.string(),
});
export const chatListReply = z.object({ items: z.array(chatMessageSchema) });
export const roomSettingsSchema = z.object({
  chatMode: z.enum(['everyone', 'registered', 'followers']),
  slowModeSeconds: z.number().int(),
  holdForReview: z.boolean(),
  pin: z.string().nullable(),
});
export const roomSettingsBody = z
  .strictObject({
    chatMode: z.enum(['everyone', 'registered', 'followers']).optional(),
    slowModeSeconds: z.number().int('expected an integer').min(0).max(600, 'expected at most 600').optional(),
    holdForReview: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'expected at least one setting to change' });
export const pinBody = z.strictObject({ text: z.string().trim().min(1, 'required').max(200, 'expected at most 200 characters').nullable() });
export const sanctionBody = z.strictObject({
  kind: z.enum(['mute', 'ban']),
  scope: z.enum(['room', 'brand']).default('room'),
  target: z.strictObject({ kind: z.enum(['viewer', 'guest']), id: idPart }),
  minutes: z.number().int('expected an integer').min(1).max(60 * 24 * 365),
  reason: z.string().trim().max(200).optional(),
});
export const sanctionReply = z.object({ ids: z.array(z.string()), until: z.string() });
export const sanctionListReply = z.object({
  items: z.array(z.object({ id: z.string(), kind: z.string(), scope: z.string(), principal: z.string(), until: z.string(), reason: z.string().nullable(), createdAt: z.string() })),
});
export const reportListQuery = z.strictObject({ status: z.enum(['open', 'resolved', 'dismissed']).default('open') });
export const reportListReply = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      messageId: z.string(),
      messageText: z.string().nullable(),
      messageSender: z.string().nullable(),
      messageStatus: z.string().nullable(),
      reason: z.string(),
      status: z.string(),
      createdAt: z.string(),
    }),
  ),
});
export const reportActionBody = z.strictObject({ action: z.enum(['resolve', 'dismiss']) });
export const roomLiveReply = z.object({
  online: z.number().int(),
  pcu: z.number().int(),
  uv: z.number().int(),
  likes: z.number().int(),
  settings: roomSettingsSchema,
});
export const roomAccessReply = z.object({
  canJoin: z.boolean(),
  code: z.string().nullable(),
  message: z.string().nullable(),
  retryAfterSeconds: z.number().int().nullable(),
});
