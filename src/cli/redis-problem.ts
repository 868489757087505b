import { explainRedis, probeRedisPort } from '../runtime/redis-supervisor.js';

/**
 * Why a CLI command cannot use the Redis at `url`: the supervisor's sentence, plus — when nothing
 * answers at all — the likely cause on a development machine: `npm start`'s private Redis is not
 * running because parley is not.
 */
export async function cliRedisProblem(url: string): Promise<string> {
  const [sentence, probe] = await Promise.all([explainRedis(url), probeRedisPort(url)]);
  return probe.kind === 'nothing' ? `${sentence} Is parley running? (\`npm start\` runs its own Redis when none answers.)` : sentence;
}
