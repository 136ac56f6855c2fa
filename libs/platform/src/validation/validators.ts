import { Transform } from 'class-transformer';
import { registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';
import { DateTime, IANAZone } from 'luxon';

/** A real IANA time zone name such as `Europe/Lisbon` (or `UTC`). */
export function IsIanaTimezone(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isIanaTimezone',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be an IANA time zone such as Europe/Lisbon`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && IANAZone.isValidZone(value) },
    });
}

/** Trims and lower-cases an email before validation. */
export const NormalizeEmail = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  );

export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

export const PROPERTY_CODE = /^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/;
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

/** A real calendar date written YYYY-MM-DD (so 2026-02-30 is refused). */
export function IsCalendarDate(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be a real date written YYYY-MM-DD (years 1900-2199)`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          /^(19|20|21)\d{2}-\d{2}-\d{2}$/.test(value) &&
          DateTime.fromISO(value, { zone: 'utc' }).isValid,
      },
    });
}

/** May be left out, but an explicit null is validated (and refused) like any other value. */
export const IsOptionalNotNull = () => ValidateIf((_: unknown, value: unknown) => value !== undefined);
