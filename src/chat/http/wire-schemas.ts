import { getIdentifierRawId } from '@azure/communication-common';
import { z } from 'zod';
import { parseRfc3339 } from '../../lib/rfc3339.js';
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

const cloud = z.enum(['public', 'dod', 'gcch']).optional();

/**
 * CommunicationIdentifierModel; resolves to the raw id. `rawId` is optional in requests: without it
 * the raw id is made from the nested model exactly as the SDKs make it (`4:+1…` for a phone number,
 * `8:orgid:…` for a Teams user, …), so every kind is understood and the rules can say which are
 * supported (see `service/identifiers.ts`).
 */
export const identifierSchema = z
  .object({
    kind: z.enum(['unknown', 'communicationUser', 'phoneNumber', 'microsoftTeamsUser', 'microsoftTeamsApp', 'teamsExtensionUser']).optional(),
    rawId: z.string().min(1).max(512).optional(),
    communicationUser: z.object({ id: z.string().min(1).max(512) }).optional(),
    phoneNumber: z.object({ value: z.string().min(1).max(64) }).loose().optional(),
    microsoftTeamsUser: z.object({ userId: z.string().min(1).max(512), isAnonymous: z.boolean().optional(), cloud }).loose().optional(),
    microsoftTeamsApp: z.object({ appId: z.string().min(1).max(512), cloud }).loose().optional(),
    teamsExtensionUser: z
      .object({ userId: z.string().min(1).max(512), tenantId: z.string().min(1).max(512), resourceId: z.string().min(1).max(512), cloud })
      .loose()
      .optional(),
  })
  .loose()
  .transform((v, ctx) => {
    const raw = v.communicationUser?.id ?? v.rawId ?? rawIdOfNested(v);
    if (!raw) {
      ctx.addIssue({
        code: 'custom',
        message: 'an identifier needs rawId or one of communicationUser.id, phoneNumber.value, microsoftTeamsUser.userId, microsoftTeamsApp.appId',
      });
      return z.NEVER;
    }
    return raw;
  });

type NestedIdentifiers = {
  phoneNumber?: { value: string };
  microsoftTeamsUser?: { userId: string; isAnonymous?: boolean; cloud?: 'public' | 'dod' | 'gcch' };
  microsoftTeamsApp?: { appId: string; cloud?: 'public' | 'dod' | 'gcch' };
  teamsExtensionUser?: { userId: string; tenantId: string; resourceId: string; cloud?: 'public' | 'dod' | 'gcch' };
};

/** The raw id the SDKs would have sent for a nested model (communication-common's own mapping). */
function rawIdOfNested(v: NestedIdentifiers): string | undefined {
  if (v.phoneNumber) return getIdentifierRawId({ phoneNumber: v.phoneNumber.value });
  const user = v.microsoftTeamsUser;
  if (user) return getIdentifierRawId({ microsoftTeamsUserId: user.userId, isAnonymous: user.isAnonymous, cloud: user.cloud });
  if (v.microsoftTeamsApp) return getIdentifierRawId({ teamsAppId: v.microsoftTeamsApp.appId, cloud: v.microsoftTeamsApp.cloud });
  if (v.teamsExtensionUser) return getIdentifierRawId(v.teamsExtensionUser);
  return undefined;
}

const isoDate = z.string().transform((s, ctx) => {
  const t = parseRfc3339(s);
  if (t === null) {
    ctx.addIssue({ code: 'custom', message: 'must be an RFC 3339 date-time such as 2024-01-01T00:00:00Z' });
    return z.NEVER;
  }
  return t;
});

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
