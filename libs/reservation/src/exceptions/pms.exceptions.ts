import { AppException, PlatformErrorCode } from '@app/platform';

export enum PmsErrorCode {
  InvalidImport = 'invalid_import',
  TooManyRows = 'too_many_rows',
  FileTooLarge = 'file_too_large',
  UnknownColumns = 'unknown_columns',
  SignatureMissing = 'signature_missing',
  SignatureInvalid = 'signature_invalid',
  TimestampInvalid = 'timestamp_invalid',
  TimestampExpired = 'timestamp_expired',
  WebhookNotConfigured = 'webhook_not_configured',
  InvalidEvent = 'invalid_event',
  UnknownReservation = 'unknown_reservation',
  EventConflict = 'event_conflict',
  ImportInterrupted = 'import_interrupted',
  SecretUnreadable = 'secret_unreadable',
}

export class ImportFileException extends AppException {
  constructor(detail: string, status = 400) {
    super(
      status === 413 ? PmsErrorCode.FileTooLarge : PmsErrorCode.InvalidImport,
      status,
      status === 413 ? 'Payload too large' : 'Invalid import',
      detail,
    );
  }
}

export class TooManyRowsException extends AppException {
  constructor(max: number) {
    super(
      PmsErrorCode.TooManyRows,
      413,
      'Payload too large',
      `An import holds at most ${max.toLocaleString('en')} rows; split the file. Nothing was imported.`,
    );
  }
}

export class UnknownColumnsException extends AppException {
  constructor(columns: string[]) {
    super(
      PmsErrorCode.UnknownColumns,
      400,
      'Invalid import',
      `Unknown column(s): ${columns.join(', ')}. Nothing was imported.`,
      columns.map((c) => ({ field: c, code: 'unknownColumn', message: `column ${c} is not a known field` })),
    );
  }
}

export class UnsupportedImportException extends AppException {
  constructor() {
    super(
      PlatformErrorCode.UnsupportedMediaType,
      415,
      'Unsupported media type',
      'Send a JSON array (application/json) or a CSV file (multipart/form-data, field "file").',
    );
  }
}

/** A webhook that does not prove it comes from the property's PMS; nothing of it is stored. */
export class WebhookUnauthorizedException extends AppException {
  constructor(code: PmsErrorCode, detail: string) {
    super(code, 401, 'Unauthorized', detail);
  }
}

export class InvalidEventException extends AppException {
  constructor(detail: string, errors?: { field: string; message: string; code?: string }[]) {
    super(PmsErrorCode.InvalidEvent, 400, 'Invalid event', detail, errors);
  }
}

/** The event names a reservation we do not hold and carries too little to create it: retry later. */
export class UnknownReservationException extends AppException {
  constructor(detail: string) {
    super(PmsErrorCode.UnknownReservation, 422, 'Unprocessable event', detail);
  }
}

export class EventConflictException extends AppException {
  constructor(detail: string) {
    super(PmsErrorCode.EventConflict, 409, 'Conflict', detail);
  }
}

export class WebhookNotConfiguredException extends AppException {
  constructor() {
    super(PmsErrorCode.WebhookNotConfigured, 404, 'Not found', 'No PMS webhook secret is configured.');
  }
}

/** An import that failed after some batches were committed: says how far it got. */
export class ImportInterruptedException extends AppException {
  constructor(processed: number, rows: number, status: number, reason: string) {
    super(
      PmsErrorCode.ImportInterrupted,
      status >= 500 ? status : 500,
      'Import interrupted',
      `The import stopped after ${processed} of ${rows} rows were written or found unchanged (${reason}). ` +
        'Import the same file again: rows already written come back unchanged.',
    );
  }
}
