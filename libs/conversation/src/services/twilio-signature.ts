import { createHmac } from 'node:crypto';

import { constantTimeEqual } from '@app/platform';

/**
 * Twilio's request signature: base64 HMAC-SHA1, keyed with the account's auth token, of the full
 * public URL the request was sent to followed by every POST parameter as name + value, sorted by
 * name (https://www.twilio.com/docs/usage/webhooks/webhooks-security).
 */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string | string[]>,
): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    for (const v of Array.isArray(value) ? [...value].sort() : [value]) data += name + v;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function twilioSignatureValid(
  authToken: string,
  url: string,
  params: Record<string, string | string[]>,
  given: string,
): boolean {
  return constantTimeEqual(twilioSignature(authToken, url, params), given);
}
