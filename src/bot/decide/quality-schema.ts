import { z } from 'zod';
import { GLOSSARY_LIMITS } from './glossary.js';

const term = z.string().max(GLOSSARY_LIMITS.termLength * 2);

/**
 * The JSON shape of a thread's glossary, formality and context, shared by the admin API and the
 * dashboard API. Bounds what a body may hold; `BotAdmin` then checks the content (codes, limits).
 */
export const QUALITY_SETTINGS_SCHEMA = {
  glossary: z
    .object({
      keep: z.array(term).max(GLOSSARY_LIMITS.entries).optional(),
      terms: z.record(z.string().max(16), z.record(term, term)).optional(),
    })
    .strict()
    .optional(),
  formality: z.union([z.string().max(16), z.record(z.string().max(16), z.string().max(16))]).optional(),
  context: z.number().optional(),
};
