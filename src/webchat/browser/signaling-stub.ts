/**
 * Stands in for `@azure/communication-signaling` in the browser bundle. The chat SDK imports it for
 * `startRealtimeNotifications` (ACS's proprietary transport, which parley's backend does not speak:
 * the page uses `/notifications` instead). Leaving it out saves ~190 KB and the library's
 * `Function("return this")` probe, which the page's Trusted Types policy refuses.
 */
export const ConnectionState = { Unknown: 0, Connected: 1, Disconnected: 2 } as const;

export class CommunicationSignalingClient {
  start(): Promise<void> {
    return Promise.reject(new Error('ACS real-time signaling is not available here; the parley web chat listens on /notifications.'));
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  on(): void {}
}
