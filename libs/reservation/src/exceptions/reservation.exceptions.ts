import { AppException, ConflictException, NotFoundException, ValidationFailedException } from '@app/platform';

export enum ReservationErrorCode {
  NotFound = 'reservation_not_found',
  GuestNotFound = 'guest_not_found',
  InvalidTransition = 'invalid_transition',
  ConfirmationTaken = 'confirmation_number_taken',
  ExternalIdTaken = 'external_id_taken',
  VersionConflict = 'version_conflict',
}

export class ReservationNotFoundException extends NotFoundException {
  constructor() {
    super('Reservation', ReservationErrorCode.NotFound);
  }
}

export class ReservationGuestNotFoundException extends NotFoundException {
  constructor() {
    super('Guest', ReservationErrorCode.GuestNotFound);
  }
}

export class InvalidTransitionException extends ConflictException {
  constructor(from: string, action: string) {
    super(
      ReservationErrorCode.InvalidTransition,
      `A ${from.replace('_', '-')} reservation cannot ${action}.`,
    );
  }
}

export class ReservationTakenException extends ConflictException {
  constructor(field: 'confirmationNumber' | 'externalId') {
    super(
      field === 'confirmationNumber'
        ? ReservationErrorCode.ConfirmationTaken
        : ReservationErrorCode.ExternalIdTaken,
      `Another reservation of this property already has this ${field}.`,
    );
  }
}

export class ReservationVersionConflictException extends AppException {
  constructor(current: number) {
    super(
      ReservationErrorCode.VersionConflict,
      409,
      'Conflict',
      `The reservation was changed by someone else (now at version ${current}); reload and retry.`,
    );
  }
}

export class StayDatesException extends ValidationFailedException {
  constructor() {
    super([
      { field: 'departureDate', code: 'afterArrival', message: 'departureDate must be after arrivalDate' },
    ]);
  }
}
