/**
 * The official ACS chat SDK, pointed at the backend that served this page. The SDK refuses to send a
 * bearer token to a non-https URL; when the page itself came over plain http (parley's default on
 * 127.0.0.1), the token is already crossing that same http origin, so two pipeline policies let the
 * SDK talk to this origin only: one names the request https before the SDK's auth check, one turns it
 * back just before sending. Any other origin is left to the SDK's rules.
 */
import { ChatClient, type ChatClientOptions } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';

type Policy = NonNullable<ChatClientOptions['additionalPolicies']>[number]['policy'];

export function createChatClient(token: string, origin = location.origin): ChatClient {
  const credential = new AzureCommunicationTokenCredential(token);
  if (!origin.startsWith('http://')) return new ChatClient(origin, credential);
  const disguised = origin.replace(/^http:/, 'https:');
  const swap = (name: string, from: string, to: string): Policy => ({
    name,
    sendRequest: (request, next) => {
      if (request.url === from || request.url.startsWith(`${from}/`)) {
        request.url = to + request.url.slice(from.length);
        // The SDK's fetch client also asks for an explicit opt-in before plain http.
        if (to === origin) request.allowInsecureConnection = true;
      }
      return next(request);
    },
  });
  return new ChatClient(origin, credential, {
    additionalPolicies: [
      { policy: swap('parley-same-origin-before-auth', origin, disguised), position: 'perCall' },
      { policy: swap('parley-same-origin-after-auth', disguised, origin), position: 'perRetry' },
    ],
  });
}
