import type { Logger } from '../lib/logger.js';

/**
 * On SIGINT/SIGTERM runs each step in order, each time-boxed, then exits. A second signal exits at once.
 */
export function onShutdown(logger: Logger, steps: Array<() => Promise<unknown>>, stepTimeoutMs = 10_000): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    for (const step of steps) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          step(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('shutdown step timed out')), stepTimeoutMs);
          }),
        ]);
      } catch (err) {
        logger.error({ err }, 'shutdown step failed');
      } finally {
        clearTimeout(timer);
      }
    }
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
