/** JSON column helpers: `null` stays SQL NULL. */
export const toJson = (value: unknown): string | null => (value == null ? null : JSON.stringify(value));
export const fromJson = <T>(text: string | null): T | null => (text == null ? null : (JSON.parse(text) as T));
