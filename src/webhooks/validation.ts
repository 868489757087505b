import { randomUUID } from 'node:crypto';

/**
 * The Event Grid subscription-validation handshake (spec §9.4): POST a SubscriptionValidationEvent
 * and expect 200 `{"validationResponse": <code>}`. Returns null on success, or why it failed.
 */
export async function validateEndpoint(
  endpointUrl: string,
  topic: string,
  opts: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<string | null> {
  const validationCode = randomUUID();
  const body = JSON.stringify([
    {
      id: randomUUID(),
      topic,
      subject: '',
      data: { validationCode, validationUrl: '' },
      eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
      eventTime: new Date().toISOString(),
      metadataVersion: '1',
      dataVersion: '1',
    },
  ]);
  try {
    const res = await (opts.fetch ?? fetch)(endpointUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'SubscriptionValidation' },
      body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    if (res.status !== 200) return `the endpoint answered HTTP ${res.status}; the handshake needs 200`;
    const answer = (await res.json().catch(() => null)) as { validationResponse?: unknown } | null;
    if (answer?.validationResponse !== validationCode) return 'the endpoint did not echo validationCode as validationResponse';
    return null;
  } catch (err) {
    return `the endpoint could not be reached: ${err instanceof Error ? err.message : String(err)}`;
  }
}
