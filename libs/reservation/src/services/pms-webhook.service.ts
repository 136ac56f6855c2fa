import { createHmac, randomBytes } from 'node:crypto';

import {
  AuditRecorder,
  constantTimeEqual,
  DependencyUnavailableException,
  PropertiesRepository,
  type PropertyAccess,
  SecretBox,
  SecretUnreadableError,
  TenantDb,
} from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';

import {
  PMS_EVENT_TYPES,
  type PmsEventType,
  type PmsWebhookAckDto,
  type PmsWebhookSecretDto,
  type PmsWebhookSettingsDto,
} from '../dtos/pms.dto';
import {
  EventConflictException,
  InvalidEventException,
  PmsErrorCode,
  UnknownReservationException,
  WebhookUnauthorizedException,
} from '../exceptions/pms.exceptions';
import { type PmsConnectionRow, PmsConnectionsRepository } from '../repositories/pms-connections.repository';
import { type PmsRecord, RowErrorCode, RowRejected } from './pms-record.parser';
import { PmsSyncService } from './pms-sync.service';

/** How far X-Timestamp may be from our clock (either way). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
/** After a rotation, the previous secret keeps working this long (time to update the PMS). */
const ROTATION_GRACE_SECONDS = 24 * 3600;

export interface WebhookDelivery {
  propertyCode: string;
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: Buffer | undefined;
  body: unknown;
}

const STATUS_OF: Partial<Record<PmsEventType, 'cancelled' | 'checked_in' | 'checked_out'>> = {
  'reservation.cancelled': 'cancelled',
  'guest.checked_in': 'checked_in',
  'guest.checked_out': 'checked_out',
};

/**
 * Signed PMS webhooks. A delivery is trusted only when `X-Signature` is the HMAC-SHA256 of
 * `<X-Timestamp>.<raw body>` under the property's secret and the timestamp is within five
 * minutes; otherwise nothing is read or stored. Each event id is applied once.
 */
@Injectable()
export class PmsWebhookService {
  private readonly logger = new Logger(PmsWebhookService.name);

  constructor(
    private readonly db: TenantDb,
    private readonly properties: PropertiesRepository,
    private readonly connections: PmsConnectionsRepository,
    private readonly secrets: SecretBox,
    private readonly sync: PmsSyncService,
    private readonly audit: AuditRecorder,
  ) {}

  async receive(d: WebhookDelivery): Promise<PmsWebhookAckDto> {
    const signature = d.signature;
    if (!signature)
      throw new WebhookUnauthorizedException(PmsErrorCode.SignatureMissing, 'X-Signature is missing.');
    const timestamp = checkTimestamp(d.timestamp);
    const property = await this.properties.findByCode(d.propertyCode);
    // An unknown property answers like a wrong signature. (Property codes are not secret: they
    // are in every webhook URL; a property without a secret says so, to help whoever sets it up.)
    if (!property) throw invalidSignature();
    return this.db.run({ propertyId: property.id }, async () => {
      const connection = await this.connections.find(property.id);
      if (!connection)
        throw new WebhookUnauthorizedException(
          PmsErrorCode.WebhookNotConfigured,
          'No PMS webhook secret is configured for this property; create one first.',
        );
      if (!this.verifyOrFail(connection, property.id, timestamp, d.rawBody, signature))
        throw invalidSignature();
      const event = parseEnvelope(d.body);
      if (!(await this.connections.recordEvent(property.id, event.id, event.type)))
        return { status: 'duplicate', eventId: event.id };
      const record = this.toRecord(event, await this.sync.parser());
      const result = await this.sync.applyInTransaction([record], null);
      const rejected = result.rejected[0];
      if (rejected) throw eventProblem(event.type, rejected.code, rejected.reason);
      const outcome = result.outcomes[0];
      await this.connections.settleEvent(property.id, event.id, outcome.stale ? 'stale' : 'applied');
      await this.audit.record({
        actorType: 'system',
        actorId: null,
        action: 'pms.webhook',
        resourceType: 'pms_event',
        details: { eventId: event.id, type: event.type, change: outcome.change, stale: outcome.stale },
      });
      return { status: 'processed', eventId: event.id, change: outcome.change, stale: outcome.stale };
    });
  }

  async settings(access: PropertyAccess): Promise<PmsWebhookSettingsDto> {
    const property = await this.properties.findById(access.propertyId);
    return settingsDto(property?.code ?? '', await this.connections.find(access.propertyId));
  }

  /** Creates or replaces the secret; returns it this once. */
  async rotateSecret(access: PropertyAccess): Promise<PmsWebhookSecretDto> {
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const sealed = this.secrets.seal(secret, context(access.propertyId));
    const row = await this.connections.rotate(
      access.propertyId,
      sealed,
      ROTATION_GRACE_SECONDS,
      access.userId,
    );
    const property = await this.properties.findById(access.propertyId);
    return { ...settingsDto(property?.code ?? '', row), secret };
  }

  async removeSecret(access: PropertyAccess): Promise<boolean> {
    return this.connections.remove(access.propertyId);
  }

  /** A secret sealed with a key this process lacks is an outage (503), not the sender's fault. */
  private verifyOrFail(...args: Parameters<PmsWebhookService['verify']>): boolean {
    try {
      return this.verify(...args);
    } catch (err) {
      if (!(err instanceof SecretUnreadableError)) throw err;
      this.logger.error(`PMS webhook secret of property ${args[1]} is unreadable: ${err.message}`);
      throw new DependencyUnavailableException(
        PmsErrorCode.SecretUnreadable,
        'The webhook secret cannot be read with the configured data keys; retry later.',
      );
    }
  }

  private verify(
    connection: PmsConnectionRow,
    propertyId: string,
    timestamp: string,
    rawBody: Buffer | undefined,
    signature: string,
  ): boolean {
    const given = parseSignature(signature);
    if (!given || !rawBody) return false;
    const secrets = [connection.webhook_secret];
    if (connection.previous_webhook_secret && connection.previous_valid_until! > new Date())
      secrets.push(connection.previous_webhook_secret);
    return secrets.some((sealed) => {
      const expected = createHmac('sha256', this.secrets.open(sealed, context(propertyId)))
        .update(`${timestamp}.`)
        .update(rawBody)
        .digest();
      return constantTimeEqual(expected, given);
    });
  }

  /** The event as one PMS record: its type fixes the status; updatedAt defaults to occurredAt. */
  private toRecord(event: Envelope, parser: Awaited<ReturnType<PmsSyncService['parser']>>): PmsRecord {
    let record: PmsRecord;
    try {
      record = parser.fromObject(event.data, 1);
    } catch (err) {
      if (err instanceof RowRejected) throw new InvalidEventException(`data: ${err.reason}`);
      throw err;
    }
    const { guest, reservation } = record;
    if (event.type === 'guest.updated') {
      if (!guest?.externalId) throw new InvalidEventException('guest.updated needs data.guest.externalId.');
      if (reservation) throw new InvalidEventException('guest.updated carries no reservation.');
    } else if (!reservation) {
      throw new InvalidEventException(`${event.type} needs data.reservation with its externalId.`);
    }
    const status = STATUS_OF[event.type];
    if (reservation && status) reservation.status = status;
    for (const part of [guest, reservation]) {
      if (part && !part.updatedAt) {
        if (!event.occurredAt)
          throw new InvalidEventException(
            'Each record needs updatedAt (or the event occurredAt) to order updates.',
          );
        part.updatedAt = event.occurredAt;
      }
    }
    return record;
  }
}

interface Envelope {
  id: string;
  type: PmsEventType;
  occurredAt?: string;
  data: unknown;
}

function parseEnvelope(body: unknown): Envelope {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidEventException('The body must be a JSON object: { id, type, occurredAt, data }.');
  const { id, type, occurredAt, data, ...rest } = body as Record<string, unknown>;
  const errors: { field: string; message: string }[] = [];
  if (typeof id !== 'string' || id.length < 1 || id.length > 200)
    errors.push({ field: 'id', message: 'id must be a text of 1-200 characters' });
  if (!PMS_EVENT_TYPES.includes(type as PmsEventType))
    errors.push({ field: 'type', message: `type must be one of ${PMS_EVENT_TYPES.join(', ')}` });
  let occurred: string | undefined;
  if (occurredAt !== undefined) {
    const t = typeof occurredAt === 'string' ? new Date(occurredAt) : undefined;
    if (!t || Number.isNaN(t.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(occurredAt as string))
      errors.push({ field: 'occurredAt', message: 'occurredAt must be an ISO 8601 date-time' });
    else occurred = t.toISOString();
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    errors.push({ field: 'data', message: 'data must be an object with guest and/or reservation' });
  for (const key of Object.keys(rest)) errors.push({ field: key, message: `unknown field ${key}` });
  if (errors.length > 0) throw new InvalidEventException('The event is not valid.', errors);
  return { id: id as string, type: type as PmsEventType, occurredAt: occurred, data };
}

function checkTimestamp(header: string | undefined): string {
  if (!header || !/^\d{1,12}$/.test(header))
    throw new WebhookUnauthorizedException(
      PmsErrorCode.TimestampInvalid,
      'X-Timestamp must be the Unix time in seconds at which the request was signed.',
    );
  if (Math.abs(Date.now() / 1000 - Number(header)) > WEBHOOK_TOLERANCE_SECONDS)
    throw new WebhookUnauthorizedException(
      PmsErrorCode.TimestampExpired,
      `X-Timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} seconds from the current time.`,
    );
  return header;
}

/** `sha256=<hex>` (or the bare hex digest). */
function parseSignature(header: string): Buffer | undefined {
  const hex = header.trim().replace(/^sha256=/i, '');
  return /^[0-9a-f]{64}$/i.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}

const invalidSignature = () =>
  new WebhookUnauthorizedException(PmsErrorCode.SignatureInvalid, 'The signature does not match.');

const context = (propertyId: string) => `pms-webhook:${propertyId}`;

function eventProblem(type: PmsEventType, code: RowErrorCode, reason: string): Error {
  // An event about a reservation we do not hold yet, too thin to create it (it overtook its
  // reservation.created): the PMS should redeliver it later.
  if (code === RowErrorCode.MissingField && type !== 'guest.updated')
    return new UnknownReservationException(
      `The reservation is not known yet (${reason}); deliver its reservation.created first, or retry later.`,
    );
  if ([RowErrorCode.GuestConflict, RowErrorCode.ReservationConflict, RowErrorCode.Conflict].includes(code))
    return new EventConflictException(reason);
  return new InvalidEventException(`data: ${reason}`);
}

function settingsDto(code: string, row: PmsConnectionRow | undefined): PmsWebhookSettingsDto {
  const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
  const graceOver = !row?.previous_valid_until || row.previous_valid_until <= new Date();
  return {
    configured: row !== undefined,
    path: `/webhooks/pms/${code}`,
    rotatedAt: iso(row?.rotated_at),
    previousValidUntil: graceOver ? null : iso(row?.previous_valid_until),
    lastEventAt: iso(row?.last_event_at),
  };
}
