import type { LanguageSupport } from '../../providers/language-support.js';
import type { ProviderName } from '../../providers/types.js';
import { helpText, type Command } from '../decide/commands.js';
import { unhonoured } from '../decide/engine-limits.js';
import { describeFormality, describeGlossary, editGlossary, QualitySettingError, type FormalitySetting } from '../decide/glossary.js';
import { checkLanguages, describeLanguage } from '../decide/language-check.js';
import { qualityOf, type SettingsStore } from '../settings-store.js';

/** What the engine cannot honour of a setting just made, as sentences after the answer. */
const withNotes = (answer: string, engine: ProviderName | undefined, made: { formality?: FormalitySetting; context?: number }) =>
  [answer, ...unhonoured(engine, made)].join('\n');

/**
 * Applies a `/parley …` command to the thread's settings and returns the bot's answer. `engine`
 * (the bot's translation engine) lets the answer say what the engine cannot honour. Languages the
 * provider (`support`; absent = any language) cannot translate into are refused — nothing is
 * changed — with what is available, as everywhere else languages are set.
 */
export async function runCommand(
  cmd: Command,
  threadId: string,
  senderId: string,
  settings: SettingsStore,
  engine?: ProviderName,
  support?: LanguageSupport,
): Promise<string> {
  const list = (langs: string[]) => (langs.length ? langs.map((l) => describeLanguage(support, l)).join(', ') : 'none');
  const refusal = (langs: string[], unchanged: string) => {
    const check = support ? checkLanguages(langs, support) : undefined;
    return check?.refused.length ? `parley: ${check.error} ${unchanged}` : null;
  };
  switch (cmd.kind) {
    case 'languages': {
      const refused = refusal(cmd.languages, "This thread's languages are unchanged.");
      if (refused) return refused;
      await settings.put(threadId, { languages: cmd.languages });
      return `parley: this thread is now translated into ${list(cmd.languages)}.`;
    }
    case 'me-set': {
      const refused = refusal(cmd.languages, 'Your reading languages are unchanged.');
      if (refused) return refused;
      await settings.setReader(threadId, senderId, cmd.languages);
      return `parley: you read ${list(cmd.languages)}; messages will be translated for you.`;
    }
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
        `Formality: ${describeFormality(qualityOf(s ?? {}).formality)}; context: ${qualityOf(s ?? {}).context} earlier messages; glossary: ${describeGlossary(qualityOf(s ?? {}).glossary).length} entries.`,
      ].join('\n');
    }
    case 'glossary-edit': {
      const current = qualityOf((await settings.get(threadId)) ?? {}).glossary;
      try {
        const glossary = editGlossary(current, cmd.edits);
        await settings.put(threadId, { glossary });
        const lines = describeGlossary(glossary);
        return `parley: glossary updated.\n${lines.length ? lines.join('\n') : 'It is empty.'}`;
      } catch (err) {
        if (err instanceof QualitySettingError) return `parley: ${err.message}`;
        throw err;
      }
    }
    case 'glossary-show': {
      const lines = describeGlossary(qualityOf((await settings.get(threadId)) ?? {}).glossary);
      return lines.length ? `parley glossary:\n${lines.join('\n')}` : 'parley: the glossary is empty. Add to it with "/parley keep Acme Cloud" or "/parley term es ticket = incidencia".';
    }
    case 'formality': {
      const current = qualityOf((await settings.get(threadId)) ?? {}).formality;
      const formality: FormalitySetting = cmd.language
        ? { ...(typeof current === 'string' ? { default: current } : current), [cmd.language]: cmd.formality }
        : cmd.formality;
      await settings.put(threadId, { formality });
      return withNotes(`parley: formality is now ${describeFormality(formality)}.`, engine, { formality });
    }
    case 'context':
      await settings.put(threadId, { context: cmd.context });
      return withNotes(
        cmd.context ? `parley: up to ${cmd.context} earlier messages now travel with a short message as context.` : 'parley: messages are now translated without context.',
        engine,
        { context: cmd.context },
      );
    case 'invalid':
      return `parley: ${cmd.error}\n\n${helpText()}`;
    case 'help':
      return cmd.unknown ? `parley: unknown command "${cmd.unknown}".\n\n${helpText()}` : helpText();
  }
}
