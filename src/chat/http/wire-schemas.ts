import { z } from 'zod';
import { LIMITS } from '../model.js';

/** zod schemas of the request bodies of the ACS Chat and Identity APIs (spec §2.11, §8.1). */

const metadataBytes = (m: Record<string, string | null>) =>
  Object.entries(m).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v ?? ''), 0);

export const metadataSchema = z
  .record(z.string(), z.string())
  .refine((m) => metadataBytes(m) <= LIMITS.metadataBytes, { message: `metadata must total at most ${LIMITS.metadataBytes} bytes` });

/** For merge-patch bodies: `null` removes a key. */
export const metadataPatchSchema = z
  .record(z.string(), z.string().nullable())
  .refine((m) => metadataBytes(m) <= LIMITS.metadataBytes, { message: `metadata must total at most ${LIMITS.metadataBytes} bytes` });

/** CommunicationIdentifierModel; resolves to the raw id. */
export const identifierSchema = z
  .object({
    kind: z.enum(['unknown', 'communicationUser', 'phoneNumber', 'microsoftTeamsUser', 'microsoftTeamsApp', 'teamsExtensionUser']).optional(),
    rawId: z.string().min(1).max(512).optional(),
    communicationUser: z.object({ id: z.string().min(1).max(512) }).optional(),
    phoneNumber: z.object({ value: z.string() }).loose().optional(),
    microsoftTeamsUser: z.object({ userId: z.string() }).loose().optional(),
    microsoftTeamsApp: z.object({ appId: z.string() }).loose().optional(),
  })
  .loose()
  .transform((v, ctx) => {
    const raw = v.communicationUser?.id ?? v.rawId;
    if (!raw) {
      ctx.addIssue({ code: 'custom', message: 'an identifier needs rawId or communicationUser.id' });
      return z.NEVER;
    }
    return raw;
  });

const isoDate = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'must be an RFC3339 date-time' })
  .transform((s) => Date.parse(s));

export const participantSchema = z.object({
  communicationIdentifier: identifierSchema,
  displayName: z.string().max(LIMITS.displayNameChars).optional(),
  shareHistoryTime: isoDate.optional(),
  metadata: metadataSchema.optional(),
});

export const retentionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('threadCreationDate'),
    deleteThreadAfterDays: z.number().int().min(LIMITS.retentionMinDays).max(LIMITS.retentionMaxDays),
  }),
  z.object({ kind: z.literal('none') }),
]);

const topic = z.string().trim().min(1, 'topic must not be empty').max(LIMITS.topicChars);

export const createThreadSchema = z.object({
  topic,
  participants: z.array(participantSchema).optional(),
  metadata: metadataSchema.optional(),
  retentionPolicy: retentionSchema.optional(),
});

export const updateThreadSchema = z.object({
  topic: topic.optional(),
  metadata: metadataPatchSchema.optional(),
  retentionPolicy: retentionSchema.optional(),
});

export const sendMessageSchema = z.object({
  content: z.string().refine((s) => s.trim().length > 0, { message: 'content must not be empty' }),
  senderDisplayName: z.string().max(LIMITS.displayNameChars).optional(),
  type: z
    .string()
    .transform((t) => t.toLowerCase())
    .pipe(z.enum(['text', 'html'], { message: "type must be 'text' or 'html'" }))
    .optional(),
  metadata: metadataSchema.optional(),
});

export const updateMessageSchema = z.object({
  content: z
    .string()
    .refine((s) => s.trim().length > 0, { message: 'content must not be empty' })
    .optional(),
  metadata: metadataPatchSchema.optional(),
});

export const addParticipantsSchema = z.object({ participants: z.array(participantSchema).min(1) });

export const readReceiptSchema = z.object({ chatMessageId: z.string().regex(/^\d{1,20}$/, 'chatMessageId must be a message id') });

export const typingSchema = z.object({ senderDisplayName: z.string().max(LIMITS.displayNameChars).optional() }).optional();

const scopes = z.array(z.enum(['chat', 'voip', 'chat.join', 'chat.join.limited', 'voip.join'])).min(1);
const expiresInMinutes = z.number().int().min(60).max(1440);

export const createIdentitySchema = z
  .object({ createTokenWithScopes: scopes.optional(), expiresInMinutes: expiresInMinutes.optional() })
  .optional();

export const issueTokenSchema = z.object({ scopes, expiresInMinutes: expiresInMinutes.optional() });
