/**
 * What a translation engine cannot honour of a thread's settings, said where the setting is made
 * (CLI, admin API, dashboard, in-thread command) rather than silently ignored. Pure.
 */
import type { ProviderName } from '../../providers/types.js';
import { asksFormality, type FormalitySetting } from './glossary.js';

/** Whether an engine can use a formality setting and earlier messages as context. */
export function engineHonours(engine: ProviderName): { formality: boolean; context: boolean } {
  return engine === 'local' ? { formality: false, context: false } : { formality: true, context: true };
}

/** Sentences about the settings just made that `engine` cannot honour (empty when it can). */
export function unhonoured(engine: ProviderName | undefined, made: { formality?: FormalitySetting; context?: number }): string[] {
  if (!engine) return [];
  const can = engineHonours(engine);
  const notes: string[] = [];
  if (made.formality !== undefined && asksFormality(made.formality) && !can.formality) {
    notes.push('The offline engine (Apertium) has no formal or informal register: formality is kept and applies once a model API is configured.');
  }
  if (made.context !== undefined && made.context > 0 && !can.context) {
    notes.push('The offline engine (Apertium) translates each message on its own: context is kept and applies once a model API is configured.');
  }
  return notes;
}
