import { errors } from '../errors.js';

/** api-versions this backend answers (spec §0, §7, §8): every stable chat version, identity versions. */
export const CHAT_API_VERSIONS = ['2021-03-07', '2021-09-07', '2023-11-07', '2024-03-07', '2025-03-15', '2024-09-01'] as const;
export const IDENTITY_API_VERSIONS = ['2021-03-07', '2021-11-01', '2022-06-01', '2022-10-01', '2023-08-01', '2023-10-01'] as const;

export function checkApiVersion(version: unknown, supported: readonly string[]): void {
  if (version === undefined || version === '') throw errors.missingApiVersion();
  if (typeof version !== 'string' || !supported.includes(version)) throw errors.unsupportedApiVersion(String(version), supported);
}
