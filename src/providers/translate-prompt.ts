/**
 * The parts of the translate prompt (version 2) built from a request: the glossary, the register,
 * the note on a retry, and the context turn. Terms and context are user data: quoted as JSON
 * strings, or fenced by a per-request random delimiter the model is told to treat as data. Pure.
 */
import { languageName } from './language-codes.js';
import type { ContextMessage, TranslateRequest } from './types.js';

/** Longest stretch of one context message sent (characters). */
export const CONTEXT_MESSAGE_CHARS = 500;

const q = (s: string) => JSON.stringify(s);

/** Glossary lines for the system prompt, or a line saying there is none. */
export function renderGlossary(request: TranslateRequest, targets: readonly string[]): string {
  const g = request.glossary;
  const lines: string[] = [];
  if (g?.keep.length) lines.push(`  - Keep exactly as written, never translate: ${g.keep.map(q).join(', ')}.`);
  for (const l of targets) {
    const terms = g?.terms[l];
    if (terms?.length) lines.push(`  - In ${l}, translate ${terms.map(([s, t]) => `${q(s)} as ${q(t)}`).join(', ')} (these exact words, inflected only if the grammar demands it).`);
  }
  return lines.length ? lines.join('\n') : '  - none for this message.';
}

const REGISTERS: Record<string, string> = {
  formal: 'formal (polite forms of address, e.g. usted, Sie, vous)',
  informal: 'informal (familiar forms of address, e.g. tú, du, tu)',
};

/** The register per target language, or "as the original" when nothing is asked. */
export function renderFormality(request: TranslateRequest, targets: readonly string[]): string {
  const asked = targets.map((l) => [l, request.formality?.[l] ?? 'auto'] as const).filter(([, f]) => f !== 'auto');
  if (!asked.length) return 'keep the tone and register of the original.';
  const rest = targets.length > asked.length ? ' Other languages: keep the register of the original.' : '';
  return `${asked.map(([l, f]) => `${l} (${languageName(l)}): ${REGISTERS[f]}`).join('; ')}.${rest}`;
}

/** On a retry, what was wrong with the previous answer, per language; empty otherwise. */
export function renderRetry(request: TranslateRequest): string {
  const problems = Object.entries(request.previousProblems ?? {});
  if (!problems.length) return '';
  return `- IMPORTANT: a previous answer for this message was rejected. Fix this: ${problems.map(([l, p]) => `${l}: ${p}`).join('; ')}.\n`;
}

/** The context turn, fenced by `open`/`close`, or `null` when there is no context. */
export function contextTurn(context: readonly ContextMessage[] | undefined, open: string, close: string): string | null {
  if (!context?.length) return null;
  const lines = context.map((m, i) => {
    const text = m.text.length > CONTEXT_MESSAGE_CHARS ? `${m.text.slice(0, CONTEXT_MESSAGE_CHARS)}…` : m.text;
    return `[${i + 1}]${m.sender ? ` ${m.sender.replace(/\s+/g, ' ').slice(0, 64)}:` : ''} ${text.replace(/\n+/g, ' ')}`;
  });
  return `${open}\n${lines.join('\n')}\n${close}`;
}
