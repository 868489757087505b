/**
 * The fake OpenAI-compatible model of `bench/bot.ts`, in its own process like a real model API
 * would be, so its request handling does not share the backend's event loop. Driven over IPC:
 * set the answer delay, read how many chat-completions requests it has received.
 */
import { startFakeOpenAI } from '../test/support/fake-openai.js';

export type FakeModelCommand = { cmd: 'latency'; ms: number } | { cmd: 'calls' } | { cmd: 'close' };
export type FakeModelReport = { event: 'ready'; url: string } | { event: 'calls'; calls: number } | { event: 'ok' };

const fake = await startFakeOpenAI();
const report = (r: FakeModelReport) => process.send!(r);
// Bodies are not needed here, only their number: drop them so a long run does not hold them all.
let calls = 0;
// The benchmark died (a crash, its watchdog): do not linger holding Redis connections and jobs.
process.on('disconnect', () => process.exit(1));
process.on('message', (m: FakeModelCommand) => {
  calls += fake.chatRequests().length;
  fake.requests.length = 0;
  if (m.cmd === 'latency') {
    fake.setLatency(m.ms);
    report({ event: 'ok' });
  } else if (m.cmd === 'calls') {
    report({ event: 'calls', calls });
  } else {
    void fake.close().finally(() => process.exit(0));
  }
});
report({ event: 'ready', url: fake.url });
