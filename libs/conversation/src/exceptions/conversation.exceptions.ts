import { AppException, ConflictException, NotFoundException } from '@app/platform';

export enum ConversationErrorCode {
  ChannelNotFound = 'channel_not_found',
  ChannelAddressTaken = 'channel_address_taken',
  ChannelInUse = 'channel_in_use',
  VersionConflict = 'version_conflict',
  SignatureMissing = 'signature_missing',
  SignatureInvalid = 'signature_invalid',
  InvalidWebhook = 'invalid_webhook',
  ConversationNotFound = 'conversation_not_found',
  InvalidTransition = 'invalid_transition',
  RecipientOptedOut = 'recipient_opted_out',
  WhatsAppWindowClosed = 'whatsapp_window_closed',
  TemplateNotSupported = 'template_not_supported',
  UnknownTemplate = 'unknown_template',
  TemplateLanguageAmbiguous = 'template_language_ambiguous',
  OriginNotAllowed = 'origin_not_allowed',
  SessionInvalid = 'session_invalid',
  RateLimited = 'rate_limited',
}

export class ChannelNotFoundException extends NotFoundException {
  constructor() {
    super('Channel', ConversationErrorCode.ChannelNotFound);
  }
}

export class ChannelAddressTakenException extends ConflictException {
  constructor() {
    super(
      ConversationErrorCode.ChannelAddressTaken,
      'This address is already registered as a channel of that kind.',
    );
  }
}

export class ChannelInUseException extends ConflictException {
  constructor() {
    super(
      ConversationErrorCode.ChannelInUse,
      'The channel has conversations; disable it (enabled: false) instead of deleting it.',
    );
  }
}

export class ChannelVersionConflictException extends AppException {
  constructor(current: number) {
    super(
      ConversationErrorCode.VersionConflict,
      409,
      'Conflict',
      `The channel was changed by someone else (now at version ${current}); reload and retry.`,
    );
  }
}

export class WebhookSignatureException extends AppException {
  constructor(detail: string, status: 401 | 403) {
    super(
      status === 401 ? ConversationErrorCode.SignatureMissing : ConversationErrorCode.SignatureInvalid,
      status,
      status === 401 ? 'Unauthorized' : 'Forbidden',
      detail,
    );
  }
}

export class InvalidWebhookException extends AppException {
  constructor(detail: string) {
    super(ConversationErrorCode.InvalidWebhook, 400, 'Invalid webhook', detail);
  }
}

export class ConversationNotFoundException extends NotFoundException {
  constructor() {
    super('Conversation', ConversationErrorCode.ConversationNotFound);
  }
}

export class InvalidStateTransitionException extends ConflictException {
  constructor(from: string, action: string) {
    super(ConversationErrorCode.InvalidTransition, `A ${from} conversation cannot ${action}.`);
  }
}

export class RecipientOptedOutException extends ConflictException {
  constructor() {
    super(
      ConversationErrorCode.RecipientOptedOut,
      'The guest opted out of SMS from this number (STOP); nothing was sent.',
    );
  }
}

export class WhatsAppWindowClosedException extends ConflictException {
  constructor() {
    super(
      ConversationErrorCode.WhatsAppWindowClosed,
      'No guest message in the last 24 hours: WhatsApp only allows a registered template now.',
    );
  }
}

export class TemplateNotSupportedException extends AppException {
  constructor(channel: string) {
    super(
      ConversationErrorCode.TemplateNotSupported,
      422,
      'Unprocessable content',
      `Templates are a WhatsApp feature; this conversation is on ${channel}. Send text instead.`,
    );
  }
}

export class UnknownTemplateException extends AppException {
  constructor(detail: string, ambiguous = false) {
    super(
      ambiguous ? ConversationErrorCode.TemplateLanguageAmbiguous : ConversationErrorCode.UnknownTemplate,
      422,
      'Unprocessable content',
      detail,
    );
  }
}

export class OriginNotAllowedException extends AppException {
  constructor() {
    super(
      ConversationErrorCode.OriginNotAllowed,
      403,
      'Forbidden',
      "This page's origin may not open a chat on this widget.",
    );
  }
}

export class WebchatSessionInvalidException extends AppException {
  constructor() {
    super(
      ConversationErrorCode.SessionInvalid,
      401,
      'Unauthorized',
      'The chat session is missing, unknown or expired.',
    );
  }
}

export class WebchatRateLimitedException extends AppException {
  constructor(retryAfterSeconds: number, perMinute: number) {
    super(
      ConversationErrorCode.RateLimited,
      429,
      'Too many requests',
      `At most ${perMinute} a minute; wait a little.`,
      undefined,
      {
        'Retry-After': String(retryAfterSeconds),
      },
    );
  }
}
