import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../../../src/config/load-config.js';
import { envSchema } from '../../../src/config/schema.js';

const KEY = Buffer.alloc(32, 7).toString('base64');

/** The chat backend's part of the config. */
const chatPart = ({ http, tls, accessKey, dataDir, rateLimits, logLevel }: Config) => ({ http, tls, accessKey, dataDir, rateLimits, logLevel });

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    expect(chatPart(loadConfig({}))).toEqual({
      http: { host: '127.0.0.1', port: 8080, publicUrl: undefined },
      tls: { mode: 'off' },
      accessKey: undefined,
      dataDir: path.resolve('./data'),
      rateLimits: true,
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = chatPart(loadConfig({
      PARLEY_HOST: '0.0.0.0',
      PARLEY_PORT: '9443',
      PARLEY_PUBLIC_URL: 'https://chat.example.com',
      PARLEY_TLS_CERT: '/tls/cert.pem',
      PARLEY_TLS_KEY: '/tls/key.pem',
      PARLEY_ACCESS_KEY: KEY,
      PARLEY_DATA_DIR: '/var/lib/parley',
      PARLEY_RATE_LIMITS: 'off',
      PARLEY_LOG_LEVEL: 'debug',
      UNRELATED: 'ignored',
    }));
    expect(config).toEqual({
      http: { host: '0.0.0.0', port: 9443, publicUrl: 'https://chat.example.com' },
      tls: { mode: 'files', certFile: '/tls/cert.pem', keyFile: '/tls/key.pem' },
      accessKey: KEY,
      dataDir: '/var/lib/parley',
      rateLimits: false,
      logLevel: 'debug',
    });
    expect(loadConfig({ PARLEY_TLS: 'self-signed' }).tls).toEqual({ mode: 'self-signed' });
  });

  it('names each bad variable, once, with the value it got', () => {
    const problems = problemsOf({
      PARLEY_PORT: 'eighty',
      PARLEY_TLS: 'maybe',
      PARLEY_LOG_LEVEL: 'loud',
      PARLEY_PUBLIC_URL: 'ftp://chat.example.com',
      PARLEY_RATE_LIMITS: 'yes',
      PARLEY_HOST: 'fine',
    });
    const named = problems.map((p) => p.split(':')[0]).sort();
    expect(named).toEqual(['PARLEY_LOG_LEVEL', 'PARLEY_PORT', 'PARLEY_PUBLIC_URL', 'PARLEY_RATE_LIMITS', 'PARLEY_TLS']);
    expect(problems.find((p) => p.startsWith('PARLEY_PORT'))).toContain('"eighty"');
    expect(problems.find((p) => p.startsWith('PARLEY_TLS'))).toContain('"maybe"');
    expect(new ConfigError(problems).message).toContain('PARLEY_LOG_LEVEL');
  });

  it('caps WebSockets per user at 20 by default; PARLEY_WS_MAX_PER_USER sets it (1 to 10000)', () => {
    expect(loadConfig({}).realtime).toEqual({ maxConnectionsPerUser: 20 });
    expect(loadConfig({ PARLEY_WS_MAX_PER_USER: '5' }).realtime).toEqual({ maxConnectionsPerUser: 5 });
    for (const bad of ['0', '-1', '2.5', 'many', '10001']) {
      expect(problemsOf({ PARLEY_WS_MAX_PER_USER: bad })[0]).toMatch(/^PARLEY_WS_MAX_PER_USER: /);
    }
  });

  it('refuses ports out of range', () => {
    expect(problemsOf({ PARLEY_PORT: '70000' })[0]).toMatch(/^PARLEY_PORT/);
    expect(problemsOf({ PARLEY_PORT: '-1' })[0]).toMatch(/^PARLEY_PORT/);
    expect(problemsOf({ PARLEY_PORT: '80.5' })[0]).toMatch(/^PARLEY_PORT/);
  });

  it('never echoes a secret', () => {
    const secret = 'c2hvcnQtYnV0LXNlY3JldA==';
    const problems = problemsOf({ PARLEY_ACCESS_KEY: secret, PARLEY_PORT: 'x' });
    expect(problems.find((p) => p.startsWith('PARLEY_ACCESS_KEY'))).toBeDefined();
    expect(problems.join('\n')).not.toContain(secret);
    expect(problemsOf({ PARLEY_ACCESS_KEY: 'not base64 at all: hunter2' }).join('\n')).not.toContain('hunter2');
  });

  it('wants the TLS certificate and key together, and not with self-signed', () => {
    expect(problemsOf({ PARLEY_TLS_CERT: '/c.pem' })).toEqual(['PARLEY_TLS_CERT and PARLEY_TLS_KEY must be set together']);
    expect(problemsOf({ PARLEY_TLS_CERT: '/c.pem', PARLEY_TLS_KEY: '/k.pem', PARLEY_TLS: 'self-signed' })).toHaveLength(1);
  });

  it('treats an empty variable as unset (FOO= in a compose file means the default)', () => {
    const blank = Object.fromEntries(Object.keys(envSchema.shape).map((name, i) => [name, i % 2 ? '' : '  ']));
    expect(loadConfig(blank)).toEqual(loadConfig({}));
    expect(loadConfig({ PARLEY_PORT: '' }).http.port).toBe(8080);
  });

  it('refuses webhook mode without a webhook secret, saying how to set one (even alongside other problems)', () => {
    const problems = problemsOf({ PARLEY_BOT_EVENTS: 'webhook', PARLEY_PORT: 'abc' });
    expect(problems).toContainEqual(expect.stringMatching(/^PARLEY_PORT:/));
    const secret = problems.find((p) => p.startsWith('PARLEY_WEBHOOK_SECRET:'));
    expect(secret).toMatch(/required with PARLEY_BOT_EVENTS=webhook/);
    expect(secret).toMatch(/openssl rand -hex 32/);
    expect(problemsOf({ PARLEY_BOT_EVENTS: 'webhook', PARLEY_WEBHOOK_SECRET: 'short' })).toEqual([expect.stringMatching(/^PARLEY_WEBHOOK_SECRET: must be at least 16 characters/)]);
    expect(loadConfig({ PARLEY_BOT_EVENTS: 'webhook', PARLEY_WEBHOOK_SECRET: 'x'.repeat(32) }).bot).toMatchObject({ events: 'webhook', webhookSecret: 'x'.repeat(32) });
    expect(loadConfig({}).bot).toMatchObject({ events: 'websocket', webhookSecret: undefined });
  });
});
