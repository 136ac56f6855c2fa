import { randomBytes } from 'node:crypto';

import { type AppConfig } from '../config/app-config';
import { SecretBox, SecretUnreadableError } from './secret-box';

const key = () => randomBytes(32).toString('base64');
const box = (current: string, previous?: string) =>
  new SecretBox({ DATA_ENCRYPTION_KEY: current, DATA_ENCRYPTION_KEY_PREVIOUS: previous } as AppConfig);

describe(SecretBox.name, () => {
  describe('seal', () => {
    it('produces a different sealed value each time that opens to the plaintext', () => {
      const b = box(key());

      const one = b.seal('whsec_abc', 'pms-webhook:p1');
      const two = b.seal('whsec_abc', 'pms-webhook:p1');

      expect(one).not.toBe(two);
      expect(one).not.toContain('whsec_abc');
      expect(b.open(one, 'pms-webhook:p1')).toBe('whsec_abc');
      expect(b.open(two, 'pms-webhook:p1')).toBe('whsec_abc');
    });
  });

  describe('open', () => {
    it('refuses a value sealed for another context', () => {
      const b = box(key());
      const sealed = b.seal('whsec_abc', 'pms-webhook:p1');

      expect(() => b.open(sealed, 'pms-webhook:p2')).toThrow(SecretUnreadableError);
    });

    it('refuses a tampered value', () => {
      const b = box(key());
      const sealed = b.seal('whsec_abc', 'ctx');
      const [v, id, packed] = sealed.split('.');
      const raw = Buffer.from(packed, 'base64');
      raw[raw.length - 1] ^= 1;

      expect(() => b.open(`${v}.${id}.${raw.toString('base64')}`, 'ctx')).toThrow(SecretUnreadableError);
    });

    it('opens values sealed with the previous key after a rotation, and seals with the new one', () => {
      const oldKey = key();
      const sealedBefore = box(oldKey).seal('whsec_abc', 'ctx');
      const rotated = box(key(), oldKey);

      expect(rotated.open(sealedBefore, 'ctx')).toBe('whsec_abc');
      expect(rotated.seal('x', 'ctx').split('.')[1]).not.toBe(sealedBefore.split('.')[1]);
      expect(() => box(key()).open(sealedBefore, 'ctx')).toThrow(/not configured/);
    });
  });
});
