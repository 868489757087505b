/**
 * The structured answers asked of the model (sent as `response_format: json_schema`, strict) and
 * their validation. The same zod schema produces the JSON schema and checks the answer, so the two
 * cannot drift. Pure: no I/O.
 */
import { z } from 'zod';
import { ProviderInvalidOutputError } from './errors.js';

/** JSON-schema names the fake server (and logs) use to tell the tasks apart. */
export const TRANSLATION_SCHEMA_NAME = 'translation';
export const ANALYSIS_SCHEMA_NAME = 'analysis';

/** Entity categories the analyze prompt offers (Azure AI Language names). */
export const ENTITY_CATEGORIES = [
  'Person',
  'Location',
  'Organization',
  'Event',
  'Product',
  'DateTime',
  'Quantity',
  'Email',
  'URL',
  'PhoneNumber',
] as const;

/** `{ detectedLanguage, translations: { <lang>: string } }` with every requested language required. */
export function translationSchema(languages: readonly string[]) {
  const shape: Record<string, z.ZodString> = {};
  for (const language of languages) shape[language] = z.string();
  return z.object({
    detectedLanguage: z.string().nullable(),
    translations: z.object(shape),
  });
}

export type TranslationAnswer = { detectedLanguage: string | null; translations: Record<string, string> };

export const analysisSchema = z.object({
  sentiment: z.enum(['positive', 'neutral', 'negative', 'mixed']),
  confidence: z.object({ positive: z.number(), neutral: z.number(), negative: z.number() }),
  language: z.string().nullable(),
  entities: z.array(z.object({ text: z.string(), category: z.string() })),
});

export type AnalysisAnswer = z.infer<typeof analysisSchema>;

/**
 * Parses the model's message content as JSON and validates it. Throws
 * {@link ProviderInvalidOutputError} (retryable) listing what was wrong.
 */
export function parseAnswer<T>(content: string | null | undefined, schema: z.ZodType<T>, what: string): T {
  if (content === null || content === undefined || content.trim() === '') {
    throw new ProviderInvalidOutputError(`The model returned no ${what}.`, ['empty content']);
  }
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    throw new ProviderInvalidOutputError(`The model's ${what} is not valid JSON.`, [(error as Error).message]);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ProviderInvalidOutputError(`The model's ${what} does not match the schema: ${problems.join('; ')}`, problems);
  }
  return result.data;
}
