import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'enc1';

/** Thrown when a sealed value cannot be opened: another key sealed it, or it was altered. */
export class SecretUnreadableError extends Error {
  readonly code = 'SECRET_UNREADABLE';
  constructor(message: string) {
    super(message);
    this.name = 'SecretUnreadableError';
  }
}

/**
 * Seals short secrets for storage (AES-256-GCM) with a key derived (HKDF-SHA256) from a root key
 * and a purpose label, so a copy of the database alone does not reveal them. A sealed value reads
 * `enc1.<key id>.<iv>.<tag>.<ciphertext>` (base64url); the key id names which root key sealed it,
 * so a value sealed under a rotated key is reported as such instead of failing obscurely.
 */
export class SecretBox {
  private readonly key: Buffer;
  /** First 8 hex digits of SHA-256 of the derived key: identifies it without revealing it. */
  readonly keyId: string;

  constructor(rootKey: Buffer | string, purpose: string) {
    const root = typeof rootKey === 'string' ? Buffer.from(rootKey, 'base64') : rootKey;
    this.key = Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), `parley:${purpose}`, 32));
    this.keyId = createHash('sha256').update(this.key).digest('hex').slice(0, 8);
  }

  /** Whether `stored` is a sealed value (as opposed to a value stored in clear by an older version). */
  static isSealed(stored: string): boolean {
    return stored.startsWith(`${PREFIX}.`);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [PREFIX, this.keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  /** The secret sealed in `stored`; throws {@link SecretUnreadableError} when this box cannot open it. */
  open(stored: string): string {
    const [prefix, keyId, iv, tag, data] = stored.split('.');
    if (prefix !== PREFIX || !iv || !tag || data === undefined) throw new SecretUnreadableError('not a sealed value');
    if (keyId !== this.keyId) throw new SecretUnreadableError('sealed with a different access key');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError('the sealed value was altered');
    }
  }
}
