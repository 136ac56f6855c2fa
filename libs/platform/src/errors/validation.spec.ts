import 'reflect-metadata';

import { plainToInstance, Type } from 'class-transformer';
import { IsEmail, IsString, MaxLength, ValidateNested, validateSync } from 'class-validator';

import { PlatformErrorCode, ValidationFailedException } from './app-exception';
import { toFieldErrors, validationExceptionFactory } from './validation';

class AddressDto {
  @IsString()
  city: string;
}

class OwnerDto {
  @IsEmail()
  email: string;

  @ValidateNested()
  @Type(() => AddressDto)
  address: AddressDto;
}

class SignupDto {
  @IsString()
  @MaxLength(5)
  name: string;

  @ValidateNested()
  @Type(() => OwnerDto)
  owner: OwnerDto;

  @ValidateNested({ each: true })
  @Type(() => AddressDto)
  addresses: AddressDto[];
}

/** Validates like the global ValidationPipe (whitelist + forbidNonWhitelisted). */
const validate = (body: object) =>
  validateSync(plainToInstance(SignupDto, body), { whitelist: true, forbidNonWhitelisted: true });

const VALID = { name: 'Ana', owner: { email: 'ana@example.com', address: { city: 'Porto' } }, addresses: [] };

describe(toFieldErrors.name, () => {
  it('answers nothing for a valid body', () => {
    expect(toFieldErrors(validate(VALID))).toEqual([]);
  });

  it('names nested fields with dotted paths, array items by index', () => {
    const errors = toFieldErrors(
      validate({
        ...VALID,
        owner: { email: 'not-an-email', address: { city: 42 } },
        addresses: [{ city: 'Lisboa' }, { city: false }],
      }),
    );

    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'owner.email', code: 'isEmail', message: 'email must be an email' },
        { field: 'owner.address.city', code: 'isString', message: 'city must be a string' },
        { field: 'addresses.1.city', code: 'isString', message: 'city must be a string' },
      ]),
    );
    expect(errors).toHaveLength(3);
  });

  it('lists each failed constraint of a field', () => {
    const errors = toFieldErrors(validate({ ...VALID, name: 123456 }));

    expect(errors.map((e) => e.code).sort()).toEqual(['isString', 'maxLength']);
    expect(errors.every((e) => e.field === 'name')).toBe(true);
  });

  it('reports a field the DTO does not declare as unknown_field, at any depth', () => {
    const errors = toFieldErrors(
      validate({ ...VALID, propertyId: 'x', owner: { ...VALID.owner, role: 'owner' } }),
    );

    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'propertyId', code: 'unknown_field', message: 'propertyId is not an accepted field' },
        { field: 'owner.role', code: 'unknown_field', message: 'owner.role is not an accepted field' },
      ]),
    );
    expect(errors).toHaveLength(2);
  });
});

describe(validationExceptionFactory.name, () => {
  it('answers a 400 validation_failed exception listing the field errors', () => {
    const exception = validationExceptionFactory(validate({ ...VALID, extra: true }));

    expect(exception).toBeInstanceOf(ValidationFailedException);
    expect(exception.status).toBe(400);
    expect(exception.code).toBe(PlatformErrorCode.ValidationFailed);
    expect(exception.errors).toEqual([
      { field: 'extra', code: 'unknown_field', message: 'extra is not an accepted field' },
    ]);
  });
});
