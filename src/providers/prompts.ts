/**
 * Prompt templates: one Markdown file per task under `prompts/`, versioned in the file name
 * (`translate.v1.md`) and in its front matter. Loaded and checked once at start-up: every
 * placeholder the code fills must appear in the template and the template may use no other, so a
 * prompt edit that drops `{{targetLanguages}}` fails the deploy instead of every translation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `prompts/` at the repository root, next to `src/`. */
export const DEFAULT_PROMPTS_DIR = fileURLToPath(new URL('../../prompts/', import.meta.url));

/** Placeholders the translate task fills (version 1). */
export const TRANSLATE_PLACEHOLDERS = ['targetLanguages', 'sourceLanguage', 'format', 'delimiter'] as const;
/** Placeholders of translate version 2 and later: v1's, plus the glossary, register, context and retry note. */
export const TRANSLATE_V2_PLACEHOLDERS = [...TRANSLATE_PLACEHOLDERS, 'glossary', 'formality', 'contextDelimiter', 'retry'] as const;
/** Placeholders the analyze task fills. */
export const ANALYZE_PLACEHOLDERS = ['categories', 'delimiter'] as const;

/** A prompt file that passed the start-up checks. */
export interface PromptTemplate<P extends string = string> {
  /** `task.vN`, e.g. `translate.v1`: goes into cache keys and logs. */
  readonly version: string;
  /** Absolute path of the file, for error messages. */
  readonly file: string;
  /** Fills every placeholder; values are inserted literally (a value is never expanded again). */
  render(values: Record<P, string>): string;
}

/** A prompt file is unusable; the message names the file and what is wrong. */
export class PromptTemplateError extends Error {
  override readonly name = 'PromptTemplateError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`Prompt template ${file}: ${problem}`);
  }
}

/** Where to find one task's template. */
export interface LoadPromptOptions<P extends string> {
  /** @defaultValue {@link DEFAULT_PROMPTS_DIR} */
  dir?: string;
  /** Task name; the file is `<task>.v<version>.md`. */
  task: string;
  /** @defaultValue 1 */
  version?: number;
  /** Exactly the placeholders the code will provide. */
  placeholders: readonly P[];
}

const FILE_NAME = /^([a-z][a-z0-9-]*)\.v(\d+)\.md$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Reads, parses and checks one template. Throws {@link PromptTemplateError}. */
export function loadPrompt<P extends string>(options: LoadPromptOptions<P>): PromptTemplate<P> {
  const { dir = DEFAULT_PROMPTS_DIR, task, version = 1, placeholders } = options;
  const file = join(dir, `${task}.v${version}.md`);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PromptTemplateError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  return parsePrompt(file, source, placeholders);
}

/** Parses and checks template text; `file` is used for naming only. Exported for tests. */
export function parsePrompt<P extends string>(file: string, source: string, placeholders: readonly P[]): PromptTemplate<P> {
  const name = /[^/\\]+$/.exec(file)?.[0] ?? file;
  const match = FILE_NAME.exec(name);
  if (!match) throw new PromptTemplateError(file, 'the file name must look like <task>.v<N>.md.');
  const [, task, fileVersion] = match;
  const { meta, body } = splitFrontMatter(file, source);
  if (meta.id !== undefined && meta.id !== task) {
    throw new PromptTemplateError(file, `front matter says id "${meta.id}" but the file name says "${task}".`);
  }
  if (meta.version !== undefined && meta.version !== fileVersion) {
    throw new PromptTemplateError(file, `front matter says version ${meta.version} but the file name says v${fileVersion}.`);
  }
  if (body.trim() === '') throw new PromptTemplateError(file, 'the template body is empty.');

  const used = new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1] as string));
  const known = new Set<string>(placeholders);
  const unknown = [...used].filter((p) => !known.has(p));
  const missing = placeholders.filter((p) => !used.has(p));
  const problems: string[] = [];
  if (unknown.length > 0) {
    problems.push(`uses unknown placeholder(s) ${unknown.map((p) => `{{${p}}}`).join(', ')} (the code provides ${list(placeholders)})`);
  }
  if (missing.length > 0) problems.push(`does not use placeholder(s) ${missing.map((p) => `{{${p}}}`).join(', ')}`);
  const stray = body.replace(PLACEHOLDER, '').match(/\{\{|\}\}/);
  if (stray) problems.push(`has a malformed placeholder near "${stray[0]}" (use {{name}})`);
  if (problems.length > 0) throw new PromptTemplateError(file, `${problems.join('; ')}.`);

  return {
    version: `${task}.v${fileVersion}`,
    file,
    render(values) {
      return body.replace(PLACEHOLDER, (_whole, key: string) => {
        const value = (values as Record<string, string | undefined>)[key];
        if (value === undefined) throw new PromptTemplateError(file, `no value given for {{${key}}}.`);
        return value;
      });
    },
  };
}

function splitFrontMatter(file: string, source: string): { meta: Record<string, string>; body: string } {
  const text = source.replace(/^\uFEFF/, '');
  if (!text.startsWith('---')) return { meta: {}, body: text };
  const end = /\r?\n---[ \t]*(?:\r?\n|$)/.exec(text.slice(3));
  if (!end) throw new PromptTemplateError(file, 'front matter starts with "---" but never ends.');
  const header = text.slice(3, 3 + end.index);
  const meta: Record<string, string> = {};
  for (const line of header.split(/\r?\n/)) {
    const kv = /^\s*([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$/.exec(line);
    if (kv) meta[kv[1] as string] = (kv[2] as string).replace(/^["']|["']$/g, '');
  }
  return { meta, body: text.slice(3 + end.index + end[0].length).replace(/^\s*\n/, '') };
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.map((p) => `{{${p}}}`).join(', ');
}
