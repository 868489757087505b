/**
 * Parsing of `/parley …` commands typed in a thread. Pure: the bot applies the result.
 */
import { htmlToText } from './text.js';
import type { MessageFormat } from './text.js';
import { FORMALITIES, MAX_CONTEXT, type Formality, type GlossaryEdits } from './glossary.js';
import { normaliseLanguage } from './languages.js';

/** The word every command starts with (matched case-insensitively). */
export const COMMAND_PREFIX = '/parley';

/** Most languages one setting may list; each one is a translation in every bot post. */
export const MAX_LANGUAGES = 10;

/** What the bot does with a thread's messages. */
export type BotMode = 'translate' | 'analyze' | 'both';

/** Which analyses are posted: all of them, only negative sentiment, or none (still computed for the dashboard). */
export type AnalysisPolicy = 'all' | 'negative' | 'none';

/** A parsed command. `languages` lists are normalised, deduplicated and in the order typed. */
export type Command =
  /** Set the thread's languages; `[]` (from `/parley languages none`) clears them. */
  | { kind: 'languages'; languages: string[] }
  /** Show the sender's own reading languages. */
  | { kind: 'me-show' }
  /** Set the languages the sender reads. */
  | { kind: 'me-set'; languages: string[] }
  /** Clear the sender's reading languages. */
  | { kind: 'me-clear' }
  | { kind: 'on' }
  | { kind: 'off' }
  | { kind: 'status' }
  | { kind: 'mode'; mode: BotMode }
  | { kind: 'analysis'; policy: AnalysisPolicy }
  /** Change the thread's glossary (keep terms, fixed translations). */
  | { kind: 'glossary-edit'; edits: GlossaryEdits }
  /** List the thread's glossary. */
  | { kind: 'glossary-show' }
  /** Set the register, for every language or (with `language`) for one. */
  | { kind: 'formality'; formality: Formality; language?: string }
  /** Set how many earlier messages travel with a short message as context. */
  | { kind: 'context'; context: number }
  /** Answer with {@link helpText}; `unknown` is the unrecognised command word, if any. */
  | { kind: 'help'; unknown?: string }
  /** A known command with bad arguments; `error` is a sentence to post back. */
  | { kind: 'invalid'; error: string };

const MODES: Readonly<Record<string, BotMode>> = {
  translate: 'translate',
  analyze: 'analyze',
  analyse: 'analyze',
  both: 'both',
};
const POLICIES: readonly AnalysisPolicy[] = ['all', 'negative', 'none'];

/**
 * Whether a plain-text message body is a parley command: its first non-blank characters are
 * `/parley` followed by whitespace or the end (`/parleyx` is not a command).
 */
export function isCommandText(text: string): boolean {
  return /^\/parley(?:\s|$)/i.test(text.trimStart());
}

/**
 * Parses a `/parley` command. Only the first line counts (anything after it is a remark).
 * HTML bodies are converted to text first. Returns `null` when the message is not a command.
 */
export function parseCommand(body: string, format: MessageFormat = 'text'): Command | null {
  const text = format === 'html' ? htmlToText(body) : body;
  if (!isCommandText(text)) return null;
  const firstLine = text.trimStart().split('\n')[0] ?? '';
  const [, word = '', ...args] = firstLine.trim().split(/\s+/);
  const name = word.toLowerCase();
  const rest = args.join(' ');

  switch (name) {
    case '':
    case 'help':
      return { kind: 'help' };
    case 'on':
    case 'off':
    case 'status':
      return args.length === 0 ? { kind: name } : invalid(`"/parley ${name}" takes no arguments.`);
    case 'languages': {
      if (args.length === 0) return invalid('Usage: /parley languages es,fr (or "none" to clear).');
      const parsed = parseLanguageList(rest);
      return 'error' in parsed ? invalid(parsed.error) : { kind: 'languages', languages: parsed.languages };
    }
    case 'me': {
      if (args.length === 0) return { kind: 'me-show' };
      const parsed = parseLanguageList(rest);
      if ('error' in parsed) return invalid(parsed.error);
      return parsed.languages.length === 0 ? { kind: 'me-clear' } : { kind: 'me-set', languages: parsed.languages };
    }
    case 'mode': {
      const mode = args.length === 1 ? MODES[(args[0] ?? '').toLowerCase()] : undefined;
      return mode ? { kind: 'mode', mode } : invalid('Usage: /parley mode translate|analyze|both.');
    }
    case 'analysis': {
      const policy = POLICIES.find((p) => args.length === 1 && p === args[0]?.toLowerCase());
      return policy ? { kind: 'analysis', policy } : invalid('Usage: /parley analysis all|negative|none.');
    }
    case 'keep':
    case 'unkeep':
      if (!rest.trim()) return invalid(`Usage: /parley ${name} Acme Cloud.`);
      return { kind: 'glossary-edit', edits: name === 'keep' ? { keep: [rest.trim()] } : { unkeep: [rest.trim()] } };
    case 'term':
      return parseTerm(rest);
    case 'unterm': {
      const language = args.length >= 2 ? normaliseLanguage(args[0] ?? '') : null;
      if (!language) return invalid('Usage: /parley unterm es ticket.');
      return { kind: 'glossary-edit', edits: { unterms: [[language, args.slice(1).join(' ')]] } };
    }
    case 'glossary':
      if (args.length === 0) return { kind: 'glossary-show' };
      return args.length === 1 && args[0]?.toLowerCase() === 'clear' ? { kind: 'glossary-edit', edits: { clear: true } } : invalid('Usage: /parley glossary (lists it) or /parley glossary clear.');
    case 'formality': {
      const value = FORMALITIES.find((f) => f === args.at(-1)?.toLowerCase());
      const language = args.length === 2 ? normaliseLanguage(args[0] ?? '') : undefined;
      if (!value || args.length > 2 || language === null) return invalid('Usage: /parley formality formal|informal|auto, or for one language: /parley formality de informal.');
      return { kind: 'formality', formality: value, ...(language ? { language } : {}) };
    }
    case 'context': {
      const n = args.length === 1 && /^\d{1,2}$/.test(args[0] ?? '') ? Number(args[0]) : NaN;
      return n <= MAX_CONTEXT ? { kind: 'context', context: n } : invalid(`Usage: /parley context 3 (earlier messages sent with a short message, 0 to ${MAX_CONTEXT}).`);
    }
    default:
      return { kind: 'help', unknown: word };
  }
}

/**
 * Parses `es,fr`, `es fr`, `ES, pt-BR` into normalised codes (deduplicated, order kept), or `none`
 * into `[]`. Rejects unknown codes, `none` mixed with codes, and more than {@link MAX_LANGUAGES}.
 */
export function parseLanguageList(input: string): { languages: string[] } | { error: string } {
  const items = input.split(/[\s,;]+/).filter((item) => item.length > 0);
  if (items.length === 0) return { error: 'Give at least one language code, e.g. es,fr.' };
  if (items.some((item) => item.toLowerCase() === 'none')) {
    return items.length === 1 ? { languages: [] } : { error: '"none" cannot be combined with language codes.' };
  }
  const languages: string[] = [];
  for (const item of items) {
    const code = normaliseLanguage(item);
    if (code === null) {
      return { error: `Unknown language code "${item}". Use two-letter ISO 639-1 codes such as en, es, fr.` };
    }
    if (!languages.includes(code)) languages.push(code);
  }
  if (languages.length > MAX_LANGUAGES) return { error: `At most ${MAX_LANGUAGES} languages, please.` };
  return { languages };
}

/** `es ticket = incidencia`: a language, a term, `=`, its translation (terms may have spaces). */
function parseTerm(rest: string): Command {
  const usage = 'Usage: /parley term es ticket = incidencia.';
  const [head = '', ...tail] = rest.split('=');
  const translation = tail.join('=').trim();
  const [code = '', ...termWords] = head.trim().split(/\s+/);
  const language = normaliseLanguage(code);
  if (!language || !termWords.length || !translation) return invalid(language === null && code ? `Unknown language code "${code}". ${usage}` : usage);
  return { kind: 'glossary-edit', edits: { terms: [[language, termWords.join(' '), translation]] } };
}

function invalid(error: string): Command {
  return { kind: 'invalid', error };
}

/** The help message the bot posts for `/parley help`, a bare `/parley` and unknown commands. */
export function helpText(): string {
  return [
    'parley commands:',
    '/parley languages es,fr — translate every message in this thread into these languages ("none" clears)',
    '/parley me es,fr — the languages you read (messages are translated for you); "/parley me" shows them, "/parley me none" clears them',
    '/parley on — start translating and analysing in this thread',
    '/parley off — stop (commands still work)',
    '/parley status — show this thread\'s settings',
    '/parley mode translate|analyze|both — what parley does with each message',
    '/parley analysis all|negative|none — which analyses parley posts',
    '/parley keep Acme Cloud — never translate this term ("/parley unkeep Acme Cloud" removes it)',
    '/parley term es ticket = incidencia — always translate "ticket" into Spanish as "incidencia" ("/parley unterm es ticket" removes it)',
    '/parley glossary — list the keep terms and fixed translations ("/parley glossary clear" empties it)',
    '/parley formality formal|informal|auto — the register of translations; "/parley formality de informal" for one language',
    '/parley context 3 — how many earlier messages travel with a short message as context (0 to 10)',
    '/parley help — this message',
    'Languages are two-letter ISO 639-1 codes (en, es, fr, de, pt, zh, …); regional variants like pt-BR count as pt.',
  ].join('\n');
}
