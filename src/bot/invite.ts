import type { AdminClient } from '../client/admin-client.js';
import type { LanguageSupport } from '../providers/language-support.js';
import { ChatApiError } from '../client/errors.js';
import { BotAdminError } from './bot-admin.js';
import { parseLanguageList } from './decide/commands.js';
import { checkLanguages } from './decide/language-check.js';
import type { SettingsStore } from './settings-store.js';

/** Longest display name the backend takes (ACS: 256 characters). */
const MAX_NAME = 256;

/** What an invitation link carries (the contract the web chat at `/` reads). */
export interface InviteLinkParts {
  /** Where a browser opens the web chat: PARLEY_PUBLIC_URL, else the backend's URL. */
  baseUrl: string;
  token: string;
  threadId: string;
  name: string;
  /** Languages the person reads (ISO 639-1); may be empty. */
  reads: string[];
}

/**
 * `<base>/#token=…&thread=…&name=…&reads=en,es`. Everything rides in the fragment, which browsers
 * never send to a server, so the token stays out of request lines and access logs.
 */
export function inviteLink(p: InviteLinkParts): string {
  const fragment = [
    `token=${encodeURIComponent(p.token)}`,
    `thread=${encodeURIComponent(p.threadId)}`,
    `name=${encodeURIComponent(p.name)}`,
    `reads=${p.reads.map(encodeURIComponent).join(',')}`,
  ].join('&');
  return `${p.baseUrl.replace(/\/+$/, '')}/#${fragment}`;
}

export interface InviteDeps {
  /** The trusted side: HMAC-signed Identity and admin API calls. */
  admin: AdminClient;
  /** Where the bot keeps reader languages (`/parley me`). */
  settings: SettingsStore;
  /** What the translation engine can serve: reader languages it cannot are refused, as everywhere. @defaultValue unchecked */
  languages?: LanguageSupport;
}

export interface InviteRequest {
  threadId: string;
  /** The person's display name in the thread. */
  name: string;
  /** Languages the person reads, as codes (`['en']`) or lists (`['en,es']`). @defaultValue none */
  reads?: string[];
  /** See {@link InviteLinkParts.baseUrl}. */
  baseUrl: string;
  /** Life of the chat token. @defaultValue 1440 (24 h, the most ACS issues) */
  expiresInMinutes?: number;
}

/** A person let into a thread: who, and the link that opens the web chat signed in as them. */
export interface Invitation {
  userId: string;
  threadId: string;
  name: string;
  reads: string[];
  token: string;
  expiresOn: Date;
  link: string;
}

/**
 * Lets a new person into a thread, as the trusted service of the ACS model (no accounts): creates
 * an identity, adds it to the thread under `name`, stores the languages it reads where `/parley me`
 * stores them (so the bot translates for it from now on), and issues a chat token and its link.
 * Shared by `parley invite`, `parley demo` and the dashboard. Bad input throws {@link BotAdminError}
 * (400 bad name or language, 404 no such thread) before anything is left behind.
 */
export async function invitePerson(deps: InviteDeps, req: InviteRequest): Promise<Invitation> {
  const { name, reads } = checkRequest(req, deps.languages);
  const userId = await deps.admin.createUser();
  try {
    await addToThread(deps.admin, req.threadId, userId, name);
  } catch (err) {
    // The identity was only for this thread: take it back rather than leave an orphan.
    await deps.admin.deleteUser(userId).catch(() => undefined);
    throw err;
  }
  return issue(deps, { ...req, userId, name, reads });
}

/**
 * A fresh link for someone already invited (`parley demo` on a second run): adds them back if they
 * were removed, stores their languages again, and issues a new token.
 */
export async function reinvitePerson(deps: InviteDeps, req: InviteRequest & { userId: string }): Promise<Invitation> {
  const { name, reads } = checkRequest(req, deps.languages);
  await addToThread(deps.admin, req.threadId, req.userId, name);
  return issue(deps, { ...req, name, reads });
}

async function issue(deps: InviteDeps, req: InviteRequest & { userId: string; name: string; reads: string[] }): Promise<Invitation> {
  await deps.settings.setReader(req.threadId, req.userId, req.reads);
  const { token, expiresOn } = await deps.admin.issueToken(req.userId, ['chat'], req.expiresInMinutes ?? 1440);
  const link = inviteLink({ baseUrl: req.baseUrl, token, threadId: req.threadId, name: req.name, reads: req.reads });
  return { userId: req.userId, threadId: req.threadId, name: req.name, reads: req.reads, token, expiresOn, link };
}

function checkRequest(req: InviteRequest, support: LanguageSupport | undefined): { name: string; reads: string[] } {
  const name = req.name.trim();
  if (!name) throw new BotAdminError(400, 'BadName', 'Give the person a name, e.g. --name "Ana".');
  if (name.length > MAX_NAME) throw new BotAdminError(400, 'BadName', `A name has at most ${MAX_NAME} characters.`);
  if (!req.threadId.trim()) throw new BotAdminError(400, 'BadThreadId', 'Give the thread id (they look like 19:…@thread.v2).');
  const listed = (req.reads ?? []).join(',').trim();
  if (!listed) return { name, reads: [] };
  const parsed = parseLanguageList(listed);
  if ('error' in parsed) throw new BotAdminError(400, 'UnknownLanguage', parsed.error);
  const check = support ? checkLanguages(parsed.languages, support) : undefined;
  if (check?.refused.length) throw new BotAdminError(400, 'UnsupportedLanguage', check.error);
  return { name, reads: parsed.languages };
}

async function addToThread(admin: AdminClient, threadId: string, userId: string, name: string): Promise<void> {
  try {
    const refused = await admin.addParticipant(threadId, userId, name);
    if (refused.length) throw new BotAdminError(400, 'ParticipantRefused', `The backend refused to add ${name}: ${refused[0]!.message ?? refused[0]!.code ?? 'no reason given'}.`);
  } catch (err) {
    if (err instanceof ChatApiError && err.status === 404) {
      const looksLikeOne = /^19:.+@thread\.v2$/.test(threadId);
      throw new BotAdminError(
        404,
        'ThreadNotFound',
        looksLikeOne
          ? `Thread '${threadId}' was not found: it may have been deleted, or belong to another parley (check PARLEY_DATA_DIR / PARLEY_CHAT_URL).`
          : `'${threadId}' is not a thread id: thread ids look like 19:…@thread.v2 (see npx parley bot list, or the dashboard's threads).`,
      );
    }
    if (err instanceof ChatApiError && err.status === 400) throw new BotAdminError(400, 'BadThreadId', `Cannot add ${name} to '${threadId}': ${err.message}`);
    throw err;
  }
}
