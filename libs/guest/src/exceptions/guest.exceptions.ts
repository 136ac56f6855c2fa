import { AppException, ConflictException, NotFoundException, ValidationFailedException } from '@app/platform';

export enum GuestErrorCode {
  NotFound = 'guest_not_found',
  PreferenceNotFound = 'guest_preference_not_found',
  EmailTaken = 'guest_email_taken',
  PhoneTaken = 'guest_phone_taken',
  InvalidPhone = 'invalid_phone',
  VersionConflict = 'version_conflict',
  ExternalIdConflict = 'external_id_conflict',
  GuestInUse = 'guest_in_use',
}

export class GuestNotFoundException extends NotFoundException {
  constructor() {
    super('Guest', GuestErrorCode.NotFound);
  }
}

export class GuestPreferenceNotFoundException extends NotFoundException {
  constructor(key: string) {
    super(`Preference "${key}"`, GuestErrorCode.PreferenceNotFound);
  }
}

export class GuestContactTakenException extends ConflictException {
  constructor(field: 'email' | 'phone') {
    super(
      field === 'email' ? GuestErrorCode.EmailTaken : GuestErrorCode.PhoneTaken,
      `Another guest of this property already has this ${field}.`,
    );
  }
}

export class ExternalIdConflictException extends ConflictException {
  constructor(systems: string[]) {
    super(
      GuestErrorCode.ExternalIdConflict,
      `Both guests have different ids in ${systems.join(', ')}: resolve them in the source system first.`,
    );
  }
}

export class InvalidPhoneException extends ValidationFailedException {
  constructor(field = 'phone') {
    super([{ field, code: GuestErrorCode.InvalidPhone, message: `${field} is not a valid phone number` }]);
  }
}

export class VersionConflictException extends AppException {
  constructor(current: number) {
    super(
      GuestErrorCode.VersionConflict,
      409,
      'Conflict',
      `The guest was changed by someone else (now at version ${current}); reload and retry.`,
    );
  }
}

export class GuestInUseException extends ConflictException {
  constructor(reasons: string[]) {
    super(GuestErrorCode.GuestInUse, `The guest cannot be deleted: ${reasons.join('; ')}.`);
  }
}
