import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli/main.js';
import { envSchema } from '../../src/config/schema.js';

/**
 * docker-compose.yml must only set variables parley's config schema knows (a typo such as
 * `PARLEY_BOT_CONCURENCY` would be ignored silently), with values the schema accepts, and must run
 * the three roles of a scaled-out deployment.
 */
const file = path.resolve(import.meta.dirname, '../../docker-compose.yml');

interface Service {
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, unknown> | string[];
}

// Read at collection time: a missing file fails the tests below rather than skipping them.
const compose = fs.existsSync(file) ? (parse(fs.readFileSync(file, 'utf8'), { merge: true }) as { services?: Record<string, Service> }) : {};
const services = Object.entries(compose.services ?? {});

/** A service's environment as a map (compose allows a map or a list of `KEY=value`). */
function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((line) => {
      const i = line.indexOf('=');
      return i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

/** Compose interpolation with what an operator would pass: `${X:-d}` → d, `${X:?msg}`/`${X}` → a sample. */
function interpolate(value: string, samples: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?:(:?[-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (op?.endsWith('-')) return arg ?? '';
    return samples[name] ?? '';
  });
}

const commandOf = (s: Service): string => [s.entrypoint ?? [], s.command ?? []].flat().join(' ');

describe('docker-compose.yml', () => {
  it('exists at the repository root and defines services', () => {
    expect(fs.existsSync(file), `${file} is missing`).toBe(true);
    expect(services.length).toBeGreaterThan(0);
  });

  it('sets only environment variables that src/config/schema.ts knows', () => {
    const known = new Set(Object.keys(envSchema.shape));
    const unknown: string[] = [];
    let checked = 0;
    for (const [name, service] of services) {
      for (const key of Object.keys(environmentOf(service))) {
        checked++;
        if (!known.has(key)) unknown.push(`${name}: ${key}`);
      }
    }
    expect(unknown).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });

  it("gives every parley service an environment the schema accepts", () => {
    const samples = { PARLEY_ACCESS_KEY: Buffer.alloc(32, 7).toString('base64'), OPENAI_API_KEY: 'sk-test', PARLEY_WEBHOOK_SECRET: 'x'.repeat(64) };
    const parley = services.filter(([, s]) => /\bparley\b/.test(commandOf(s)));
    expect(parley.length).toBeGreaterThan(0);
    for (const [name, service] of parley) {
      const env = Object.fromEntries(Object.entries(environmentOf(service)).map(([k, v]) => [k, interpolate(v, samples)]));
      const result = envSchema.safeParse(env);
      expect(result.success, `${name}: ${result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`).toBe(true);
    }
  });

  it('makes the operator set the webhook secret of `parley bot run`, so it also starts in webhook mode', () => {
    const bots = services.filter(([, s]) => /\bparley\s+bot\s+run$/.test(commandOf(s)));
    expect(bots).toHaveLength(1);
    const env = environmentOf(bots[0]![1]);
    // Required (`${VAR:?message}`): compose refuses to start without it, rather than running unsigned.
    expect(env.PARLEY_WEBHOOK_SECRET).toMatch(/^\$\{PARLEY_WEBHOOK_SECRET:\?[^}]+\}$/);
    const webhook = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [k, interpolate(v, { PARLEY_ACCESS_KEY: Buffer.alloc(32, 7).toString('base64'), PARLEY_WEBHOOK_SECRET: 'x'.repeat(64) })]),
    );
    expect(envSchema.safeParse({ ...webhook, PARLEY_BOT_EVENTS: 'webhook' }).success).toBe(true);
  });

  // The listener is `parley bot run`: a bare `parley bot` only lists the bot's subcommands.
  it.each(['chat', 'bot run', 'worker'])('runs `parley %s`', (role) => {
    const runs = services.filter(([, s]) => new RegExp(`\\bparley\\s+${role.replace(' ', '\\s+')}$`).test(commandOf(s)));
    expect(runs.map(([name]) => name)).toHaveLength(1);
  });

  it('runs commands the CLI knows, each one that runs something (not a group that only prints its help)', () => {
    const parley = services.filter(([, s]) => /\bparley\b/.test(commandOf(s)));
    for (const [name, service] of parley) {
      const words = commandOf(service).split(/\s+/);
      let command = buildProgram();
      for (const word of words.slice(words.indexOf('parley') + 1)) {
        const sub = command.commands.find((c) => c.name() === word);
        expect(sub, `${name}: \`${word}\` is not a parley command`).toBeDefined();
        command = sub!;
      }
      expect(command.commands.map((c) => c.name()), `${name} runs a command group`).toEqual([]);
    }
  });
});
