/**
 * Which translation directions the installed Apertium data offers. Each Debian pair package
 * (`apertium-eng-spa`, …) installs `<src>-<tgt>[_<variant>].mode` files under
 * `/usr/share/apertium/modes`; a direction without a mode file is not supported, and is reported,
 * never faked.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { baseLanguage, languageVariant } from './language-codes.js';

/** Debian's data directory (what `apertium` uses without `-d`). */
export const DEFAULT_APERTIUM_DIR = '/usr/share/apertium';

/** One installed translation direction. */
export interface ApertiumMode {
  /** Mode name to pass to `apertium`, e.g. `spa-eng_US`. */
  mode: string;
  /** Base source language, ISO 639-1 where one exists (`es`). */
  source: string;
  /** Base target language (`en`). */
  target: string;
  /** Target variant, upper-cased (`US`), if the mode has one. */
  variant?: string;
}

// Translation modes only: `eng-spa`, `spa-eng_US`, `en-gl`. Debug modes (`eng-spa-morph`) have a third part.
const MODE_NAME = /^([a-z]{2,3})-([a-z]{2,3})(?:_([A-Za-z]+))?$/;

/** Parses mode names (without `.mode`) into directions; other names are ignored. */
export function parseModes(names: readonly string[]): ApertiumMode[] {
  const modes: ApertiumMode[] = [];
  for (const name of names) {
    const match = MODE_NAME.exec(name);
    if (!match) continue;
    const mode: ApertiumMode = { mode: name, source: baseLanguage(match[1] as string), target: baseLanguage(match[2] as string) };
    if (match[3]) mode.variant = match[3].toUpperCase();
    modes.push(mode);
  }
  return modes;
}

/** Installed modes under `dir/modes`; empty when Apertium or its data is not installed. */
export function listInstalledModes(dir = DEFAULT_APERTIUM_DIR): ApertiumMode[] {
  try {
    const names = readdirSync(join(dir, 'modes')).filter((f) => f.endsWith('.mode'));
    return parseModes(names.map((f) => f.slice(0, -'.mode'.length)));
  } catch {
    return [];
  }
}

/**
 * The mode translating `source` into `target` (codes in any form: `es`, `spa`, `en-US`): the one
 * whose variant matches the target's region, else the plain one, else any variant.
 */
export function findMode(modes: readonly ApertiumMode[], source: string, target: string): ApertiumMode | undefined {
  const from = baseLanguage(source);
  const to = baseLanguage(target);
  const region = languageVariant(target);
  const candidates = modes.filter((m) => m.source === from && m.target === to);
  return (
    candidates.find((m) => region !== undefined && m.variant === region) ??
    candidates.find((m) => m.variant === undefined) ??
    candidates[0]
  );
}
