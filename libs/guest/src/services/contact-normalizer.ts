import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/** E.164 for a phone written in any format; national numbers use the property's country. */
export function normalizePhone(input: string, defaultCountry: string | null): string | undefined {
  const parsed = parsePhoneNumberFromString(
    input.trim(),
    (defaultCountry ?? undefined) as CountryCode | undefined,
  );
  return parsed?.isValid() ? parsed.number : undefined;
}

export function normalizeEmail(input: string): string {
  return input.trim().toLowerCase();
}
