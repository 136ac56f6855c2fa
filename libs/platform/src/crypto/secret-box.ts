import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

import { Global, Injectable, Module } from '@nestjs/common';

import { AppConfig } from '../config/app-config';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface DataKey {
  id: string;
  key: Buffer;
}

function dataKey(base64: string): DataKey {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('a data key must be 32 bytes');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

export class SecretUnreadableError extends Error {
  constructor(reason: string) {
    super(`a sealed secret could not be opened: ${reason}`);
    this.name = 'SecretUnreadableError';
  }
}

/**
 * Seals secrets the application must read back (integration secrets used to verify signatures,
 * provider credentials) with AES-256-GCM under DATA_ENCRYPTION_KEY. Each seal is bound to a
 * context string (e.g. `pms-webhook:<propertyId>`), so a sealed value copied to another row or
 * property does not open. Sealed form: `v1.<key id>.<base64 iv|tag|ciphertext>`.
 */
@Injectable()
export class SecretBox {
  private readonly current: DataKey;
  private readonly keys: Map<string, Buffer>;

  constructor(config: AppConfig) {
    this.current = dataKey(config.DATA_ENCRYPTION_KEY);
    const previous = config.DATA_ENCRYPTION_KEY_PREVIOUS
      ? [dataKey(config.DATA_ENCRYPTION_KEY_PREVIOUS)]
      : [];
    this.keys = new Map([this.current, ...previous].map((k) => [k.id, k.key]));
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const packed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    return `${VERSION}.${this.current.id}.${packed}`;
  }

  open(sealed: string, context: string): string {
    const [version, keyId, packed] = sealed.split('.');
    if (version !== VERSION || !keyId || !packed) throw new SecretUnreadableError('unknown format');
    const key = this.keys.get(keyId);
    if (!key) throw new SecretUnreadableError(`sealed with key ${keyId}, which is not configured`);
    const raw = Buffer.from(packed, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretUnreadableError('truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretUnreadableError('authentication failed (wrong key or context)');
    }
  }
}

@Global()
@Module({ providers: [SecretBox], exports: [SecretBox] })
export class CryptoModule {}
