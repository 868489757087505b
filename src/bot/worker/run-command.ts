import { helpText, type Command } from '../decide/commands.js';
import { languageName } from '../decide/languages.js';
import type { SettingsStore } from '../settings-store.js';

const list = (langs: string[]) => (langs.length ? langs.map((l) => `${l} (${languageName(l)})`).join(', ') : 'none');

/** Applies a `/parley …` command to the thread's settings and returns the bot's answer. */
export async function runCommand(cmd: Command, threadId: string, senderId: string, settings: SettingsStore): Promise<string> {
  switch (cmd.kind) {
    case 'languages':
      await settings.put(threadId, { languages: cmd.languages });
      return `parley: this thread is now translated into ${list(cmd.languages)}.`;
    case 'me-set':
      await settings.setReader(threadId, senderId, cmd.languages);
      return `parley: you read ${list(cmd.languages)}; messages will be translated for you.`;
    case 'me-clear':
      await settings.setReader(threadId, senderId, []);
      return 'parley: your reading languages are cleared.';
    case 'me-show': {
      const readers = await settings.readers(threadId);
      return `parley: you read ${list(readers[senderId] ?? [])}.`;
    }
    case 'on':
      await settings.put(threadId, { enabled: true });
      return 'parley: on. New messages will be translated.';
    case 'off':
      await settings.put(threadId, { enabled: false });
      return 'parley: off. Say "/parley on" to resume.';
    case 'mode':
      await settings.put(threadId, { mode: cmd.mode });
      return `parley: mode is now ${cmd.mode}.`;
    case 'analysis':
      await settings.put(threadId, { analysis: cmd.policy });
      return `parley: analyses are now posted for ${cmd.policy === 'all' ? 'every message' : cmd.policy === 'negative' ? 'negative messages only' : 'no message (dashboard only)'}.`;
    case 'status': {
      const s = await settings.get(threadId);
      const readers = await settings.readers(threadId);
      const readerLine = Object.values(readers).flat();
      return [
        `parley is ${s?.enabled === false ? 'off' : 'on'} in this thread.`,
        `Mode: ${s?.mode ?? 'translate'}; analyses posted: ${s?.analysis ?? 'negative'}.`,
        `Thread languages: ${list(s?.languages ?? [])}.`,
        `Readers' languages: ${list([...new Set(readerLine)])}.`,
      ].join('\n');
    }
    case 'invalid':
      return `parley: ${cmd.error}\n\n${helpText()}`;
    case 'help':
      return cmd.unknown ? `parley: unknown command "${cmd.unknown}".\n\n${helpText()}` : helpText();
  }
}
