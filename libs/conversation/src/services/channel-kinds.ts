import { type FieldError } from '@app/platform';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

import { templatesProblem } from './whatsapp-templates';

export const CHANNEL_KINDS = [
  'twilio_sms',
  'twilio_whatsapp',
  'whatsapp_cloud',
  'email_mailgun',
  'webchat',
] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export type ChannelType = 'sms' | 'whatsapp' | 'email' | 'webchat';

interface CredentialSpec {
  pattern: RegExp;
  hint: string;
}

interface KindSpec {
  type: ChannelType;
  /** What routes inbound traffic to the account, normalized; undefined when invalid. */
  address?: { label: string; normalize: (raw: string) => string | undefined };
  credentials: Record<string, CredentialSpec>;
  /** Per setting: why a value is not acceptable, or undefined when it is. */
  settings: Record<string, (value: unknown) => string | undefined>;
}

/** A setting checked by a predicate, with what it must be. */
const setting =
  (ok: (value: unknown) => boolean, hint: string) =>
  (value: unknown): string | undefined =>
    ok(value) ? undefined : hint;

const E164 = (raw: string) => {
  const parsed = parsePhoneNumberFromString(raw.trim());
  return parsed?.isValid() ? parsed.number : undefined;
};
const TOKEN = { pattern: /^[\x21-\x7e]{16,512}$/, hint: 'a token of 16-512 printable characters' };
const TWILIO = {
  accountSid: { pattern: /^AC[0-9a-f]{32}$/, hint: 'AC followed by 32 hex digits' },
  authToken: { pattern: /^[0-9a-f]{32}$/, hint: '32 hex digits' },
};
const origins = setting(
  (v) =>
    Array.isArray(v) &&
    v.length <= 20 &&
    v.every((o) => typeof o === 'string' && /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(o)),
  'must be up to 20 origins such as https://hotel.example',
);

/** What each channel kind needs, and where its inbound traffic is addressed. */
export const KINDS: Record<ChannelKind, KindSpec> = {
  twilio_sms: {
    type: 'sms',
    address: { label: 'the sender phone number (E.164)', normalize: E164 },
    credentials: TWILIO,
    settings: {
      helpText: setting(
        (v) => typeof v === 'string' && v.length <= 320,
        'must be text of at most 320 characters',
      ),
    },
  },
  twilio_whatsapp: {
    type: 'whatsapp',
    address: { label: 'the WhatsApp sender number (E.164)', normalize: E164 },
    credentials: TWILIO,
    settings: { templates: (v) => templatesProblem(v, true) },
  },
  whatsapp_cloud: {
    type: 'whatsapp',
    address: { label: 'the phone number id', normalize: (raw) => (/^\d{5,20}$/.test(raw) ? raw : undefined) },
    credentials: { accessToken: TOKEN, appSecret: TOKEN, verifyToken: TOKEN },
    settings: { templates: (v) => templatesProblem(v, false) },
  },
  email_mailgun: {
    type: 'email',
    address: {
      label: 'the inbound address',
      normalize: (raw) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw) ? raw.trim().toLowerCase() : undefined),
    },
    credentials: { apiKey: TOKEN, webhookSigningKey: TOKEN },
    settings: {
      domain: setting(
        (v) => typeof v === 'string' && /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(v),
        'must be a domain name such as mg.hotel.example',
      ),
    },
  },
  webchat: {
    type: 'webchat',
    credentials: {},
    settings: { allowedOrigins: origins },
  },
};

/** Problems with the credentials of a kind (all fields required on create, any subset on update). */
export function credentialErrors(
  kind: ChannelKind,
  credentials: Record<string, unknown>,
  partial: boolean,
): FieldError[] {
  const spec = KINDS[kind].credentials;
  const errors: FieldError[] = [];
  for (const key of Object.keys(credentials))
    if (!(key in spec))
      errors.push({
        field: `credentials.${key}`,
        code: 'unknownField',
        message: `${kind} has no credential ${key}`,
      });
  for (const [key, { pattern, hint }] of Object.entries(spec)) {
    const value = credentials[key];
    if (value === undefined) {
      if (!partial)
        errors.push({
          field: `credentials.${key}`,
          code: 'required',
          message: `credentials.${key} is required`,
        });
    } else if (typeof value !== 'string' || !pattern.test(value)) {
      errors.push({
        field: `credentials.${key}`,
        code: 'invalidCredential',
        message: `credentials.${key} must be ${hint}`,
      });
    }
  }
  return errors;
}

export function settingErrors(kind: ChannelKind, settings: Record<string, unknown>): FieldError[] {
  const spec = KINDS[kind].settings;
  return Object.entries(settings).flatMap(([key, value]) => {
    if (!(key in spec))
      return [{ field: `settings.${key}`, code: 'unknownField', message: `${kind} has no setting ${key}` }];
    const problem = spec[key](value);
    return problem
      ? [{ field: `settings.${key}`, code: 'invalidSetting', message: `settings.${key} ${problem}` }]
      : [];
  });
}

/** `••••` and the last four characters: enough to tell two credentials apart, never to use one. */
export function maskSecret(value: string): string {
  return `••••${value.slice(-4)}`;
}
