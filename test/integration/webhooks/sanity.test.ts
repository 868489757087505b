import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifySignature } from '../../../src/webhooks/signature.js';
import { adminFetch } from '../../support/admin-client.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';

let backend: TestBackend;
let receiver: http.Server;
const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
let onEvent: () => void = () => {};

beforeAll(async () => {
  backend = await startTestBackend();
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const [event] = JSON.parse(body) as [{ eventType: string; data: { validationCode?: string } }];
      if (event.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ validationResponse: event.data.validationCode }));
        return;
      }
      received.push({ headers: req.headers, body });
      res.writeHead(200).end();
      onEvent();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  await backend.close();
  receiver.close();
});

it('validates, then delivers a signed ChatMessageReceivedInThread', async () => {
  const port = (receiver.address() as AddressInfo).port;
  const res = await adminFetch(backend.url, backend.accessKey, 'POST', '/admin/eventSubscriptions', {
    endpointUrl: `http://127.0.0.1:${port}/events`,
    includedEventTypes: ['Microsoft.Communication.ChatMessageReceivedInThread'],
  });
  expect(res.status).toBe(201);
  const sub = (await res.json()) as { secret: string };
  const alice = backend.identity.createUser();
  const { thread } = backend.chat.createThread(alice, { topic: 't', participants: [] });
  const arrived = new Promise<void>((r) => (onEvent = r));
  backend.chat.sendMessage(alice, thread.id, { content: 'hello', type: 'text' });
  await arrived;
  const [delivery] = received;
  expect(verifySignature(sub.secret, delivery!.headers['parley-signature'] as string, delivery!.body)).toBe(true);
  const [event] = JSON.parse(delivery!.body);
  expect(event).toMatchObject({
    eventType: 'Microsoft.Communication.ChatMessageReceivedInThread',
    subject: `thread/${thread.id}/sender/${alice}`,
    dataVersion: '1.0',
    data: { threadId: thread.id, messageBody: 'hello', type: 'Text' },
  });
});
