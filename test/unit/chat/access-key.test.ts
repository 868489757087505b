import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionString, resolveAccessKey } from '../../../src/chat/access-key.js';

describe('resolveAccessKey', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-key-'));
    dirs.push(d);
    return path.join(d, 'data');
  };
  afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('generates a 32-byte key once, keeps it private in the data directory and reuses it', () => {
    const data = dir();
    const first = resolveAccessKey(data);
    expect(first.generated).toBe(true);
    expect(Buffer.from(first.key, 'base64')).toHaveLength(32);
    expect(fs.statSync(path.join(data, 'access-key')).mode & 0o777).toBe(0o600);
    expect(resolveAccessKey(data)).toEqual({ key: first.key, generated: false });
  });

  it('prefers a configured key and writes nothing', () => {
    const data = dir();
    expect(resolveAccessKey(data, 'Y29uZmlndXJlZA==')).toEqual({ key: 'Y29uZmlndXJlZA==', generated: false });
    expect(fs.existsSync(path.join(data, 'access-key'))).toBe(false);
  });

  it('refuses to run on an empty or damaged key file instead of signing with a weak key', () => {
    const data = dir();
    fs.mkdirSync(data, { recursive: true });
    fs.writeFileSync(path.join(data, 'access-key'), '');
    expect(() => resolveAccessKey(data)).toThrow(/access-key/);
    fs.writeFileSync(path.join(data, 'access-key'), 'c2hvcnQ=\n');
    expect(() => resolveAccessKey(data)).toThrow(/access-key/);
  });

  it('makes a connection string the identity SDK parses, with one trailing slash', () => {
    expect(connectionString('https://127.0.0.1:8443', 'a2V5')).toBe('endpoint=https://127.0.0.1:8443/;accesskey=a2V5');
    expect(connectionString('https://127.0.0.1:8443/', 'a2V5')).toBe('endpoint=https://127.0.0.1:8443/;accesskey=a2V5');
  });
});
