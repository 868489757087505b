import { invitePerson } from '../../bot/invite.js';
import type { Config } from '../../config/load-config.js';
import { linkBaseFor } from '../../runtime/endpoints.js';
import { languageSupportFromConfig } from '../../runtime/provider.js';
import { withSession } from '../session.js';

export interface InviteArgs {
  threadId: string;
  name: string;
  /** `--reads en` or `--reads en,es`. */
  reads?: string;
  /** @defaultValue process.stdout */
  out?: NodeJS.WritableStream;
  /** @defaultValue process.stderr */
  err?: NodeJS.WritableStream;
}

/**
 * `parley invite <threadId> --name "Ana" [--reads en]`: lets a person into a thread and prints the
 * link that opens the web chat signed in as them — the only line on stdout, so it can be piped.
 */
export async function inviteCommand(config: Config, args: InviteArgs): Promise<void> {
  const invitation = await withSession(config, (s) =>
    invitePerson(
      { admin: s.admin, settings: s.settings, languages: languageSupportFromConfig(config) },
      { threadId: args.threadId, name: args.name, reads: args.reads ? [args.reads] : [], baseUrl: linkBaseFor(config) },
    ),
  );
  (args.out ?? process.stdout).write(`${invitation.link}\n`);
  const reads = invitation.reads.length ? `reads ${invitation.reads.join(', ')}` : 'reads no language set yet (the web chat asks)';
  (args.err ?? process.stderr).write(
    `invited ${invitation.name} (${invitation.userId}, ${reads}) to ${invitation.threadId}; the link signs in as them until ${invitation.expiresOn.toISOString()} — treat it like a password.\n`,
  );
}
