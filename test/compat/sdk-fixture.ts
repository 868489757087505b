import { ChatClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential, type CommunicationUserIdentifier } from '@azure/communication-common';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { expect } from 'vitest';
import { startTestBackend, type TestBackend } from '../support/chat-server.js';

/** A user as an app sees one: identifier, token and a ChatClient, all from the official SDKs. */
export interface SdkUser {
  user: CommunicationUserIdentifier;
  token: string;
  chat: ChatClient;
}

/** A TLS backend reached only through the official SDKs and its connection string. */
export async function sdkFixture() {
  const backend: TestBackend = await startTestBackend({ tls: true });
  const identity = new CommunicationIdentityClient(backend.connectionString);
  return {
    backend,
    identity,
    chatClient: (token: string) => new ChatClient(backend.url, new AzureCommunicationTokenCredential(token)),
    async newUser(): Promise<SdkUser> {
      const { user, token } = await identity.createUserAndToken(['chat']);
      return { user, token, chat: new ChatClient(backend.url, new AzureCommunicationTokenCredential(token)) };
    },
    close: () => backend.close(),
  };
}

export type SdkFixture = Awaited<ReturnType<typeof sdkFixture>>;

/** Collects a paged SDK list. */
export async function collect<T>(iter: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iter) out.push(item);
  return out;
}

/** Asserts that `promise` rejects with a RestError of this status and code. */
export async function expectRestError(promise: Promise<unknown>, statusCode: number, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the call to fail').toBeDefined();
  expect(err).toMatchObject({ name: 'RestError', statusCode, code });
}
