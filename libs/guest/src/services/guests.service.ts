import {
  decodeCursor,
  isUuid,
  keysetPage,
  OutboxService,
  PropertiesRepository,
  type PropertyAccess,
  uniqueViolation,
  ValidationFailedException,
  withDefaults,
} from '@app/platform';
import { Injectable } from '@nestjs/common';

import {
  type AddPreferenceDto,
  type CreateGuestDto,
  type GuestDto,
  type GuestPageDto,
  type ListGuestsQueryDto,
  type UpdateGuestDto,
} from '../dtos/guest.dto';
import {
  ExternalIdConflictException,
  GuestContactTakenException,
  GuestInUseException,
  GuestNotFoundException,
  GuestPreferenceNotFoundException,
  InvalidPhoneException,
  VersionConflictException,
} from '../exceptions/guest.exceptions';
import { type GuestRow, GuestsRepository, type GuestWrite } from '../repositories/guests.repository';
import { normalizeEmail, normalizePhone } from './contact-normalizer';
import { GuestLinks } from './guest-links';

@Injectable()
export class GuestsService {
  constructor(
    private readonly guests: GuestsRepository,
    private readonly properties: PropertiesRepository,
    private readonly outbox: OutboxService,
    private readonly participants: GuestLinks,
  ) {}

  async list(access: PropertyAccess, query: ListGuestsQueryDto): Promise<GuestPageDto> {
    const limit = query.limit ?? 25;
    const [system, ...rest] = query.externalId?.split(':') ?? [];
    const rows = await this.guests.search(access.propertyId, {
      text: query.q ? prefixQuery(query.q) : undefined,
      email: query.email ? normalizeEmail(query.email) : undefined,
      phone: query.phone ? await this.phone(access.propertyId, query.phone) : undefined,
      external: query.externalId ? { system, id: rest.join(':') } : undefined,
      vip: query.vip,
      loyaltyTier: query.loyaltyTier,
      tag: query.tag,
      ids: query.inHouse
        ? await this.participants.inHouseGuestIds(access.propertyId, query.inHouse)
        : undefined,
      after: query.cursor ? nameCursor(query.cursor) : undefined,
      limit: limit + 1,
    });
    return keysetPage(rows, limit, toDto, (r) => [r.last_name, r.first_name, r.id]);
  }

  async create(access: PropertyAccess, dto: CreateGuestDto): Promise<GuestDto> {
    const write: GuestWrite = {
      ...dto,
      email: dto.email ? normalizeEmail(dto.email) : undefined,
      phone: dto.phone ? await this.phone(access.propertyId, dto.phone) : undefined,
    };
    const row = await this.guests.insert(access.propertyId, write, access.userId).catch(mapContactConflict);
    await this.outbox.publishEvent('guest.created', { guestId: row.id });
    return toDto(row);
  }

  async get(access: PropertyAccess, guestId: string): Promise<GuestDto> {
    return toDto(await this.require(access.propertyId, guestId));
  }

  async update(access: PropertyAccess, guestId: string, dto: UpdateGuestDto): Promise<GuestDto> {
    const { version, ...fields } = dto;
    const changes: GuestWrite = {
      ...fields,
      email:
        fields.email === undefined ? undefined : fields.email === null ? null : normalizeEmail(fields.email),
      phone:
        fields.phone === undefined
          ? undefined
          : fields.phone === null
            ? null
            : await this.phone(access.propertyId, fields.phone),
    };
    const row = await this.guests
      .update(access.propertyId, guestId, version, changes, access.userId)
      .catch(mapContactConflict);
    if (!row) {
      const current = await this.require(access.propertyId, guestId);
      throw new VersionConflictException(current.version);
    }
    await this.outbox.publishEvent('guest.updated', { guestId });
    return toDto(row);
  }

  /** Soft-deletes a guest nothing live depends on (no open reservations). */
  async remove(access: PropertyAccess, guestId: string): Promise<void> {
    await this.require(access.propertyId, guestId, true);
    const blockers = await this.participants.deletionBlockers(access.propertyId, guestId);
    if (blockers.length > 0) throw new GuestInUseException(blockers);
    if (!(await this.guests.softDelete(access.propertyId, guestId, access.userId)))
      throw new GuestNotFoundException();
    await this.outbox.publishEvent('guest.deleted', { guestId });
  }

  /** Adds a preference, replacing one with the same key. */
  async addPreference(access: PropertyAccess, guestId: string, dto: AddPreferenceDto): Promise<GuestDto> {
    const guest = await this.require(access.propertyId, guestId, true);
    const preference = {
      category: dto.category,
      key: dto.key,
      value: dto.value,
      source: dto.source ?? 'stated',
    };
    const preferences = [...guest.preferences.filter((p) => p.key !== dto.key), preference];
    const row = await this.guests.setPreferences(access.propertyId, guestId, preferences, access.userId);
    await this.outbox.publishEvent('guest.updated', { guestId });
    return toDto(row!);
  }

  async removePreference(access: PropertyAccess, guestId: string, key: string): Promise<GuestDto> {
    const guest = await this.require(access.propertyId, guestId, true);
    if (!guest.preferences.some((p) => p.key === key)) throw new GuestPreferenceNotFoundException(key);
    const preferences = guest.preferences.filter((p) => p.key !== key);
    const row = await this.guests.setPreferences(access.propertyId, guestId, preferences, access.userId);
    await this.outbox.publishEvent('guest.updated', { guestId });
    return toDto(row!);
  }

  /**
   * Merges `sourceGuestId` into `guestId` in one transaction: profiles are combined, every
   * registered context moves its rows, the source is soft-deleted and `guest.merged` is emitted.
   */
  async merge(access: PropertyAccess, guestId: string, sourceGuestId: string): Promise<GuestDto> {
    if (guestId === sourceGuestId) {
      throw new ValidationFailedException([
        { field: 'sourceGuestId', code: 'notSelf', message: 'a guest cannot be merged into itself' },
      ]);
    }
    // Lock both in id order so two opposite merges cannot deadlock.
    const locked = new Map<string, GuestRow>();
    for (const id of [guestId, sourceGuestId].sort())
      locked.set(id, await this.require(access.propertyId, id, true));
    const target = locked.get(guestId)!.external_ids;
    const source = locked.get(sourceGuestId)!.external_ids;
    const clash = Object.keys(source).filter(
      (system) => target[system] !== undefined && target[system] !== source[system],
    );
    if (clash.length > 0) {
      throw new ExternalIdConflictException(clash);
    }
    const merge = { propertyId: access.propertyId, sourceGuestId, targetGuestId: guestId };
    await this.participants.run(merge);
    const row = await this.guests.merge(access.propertyId, guestId, sourceGuestId, access.userId);
    await this.outbox.publishEvent('guest.merged', { guestId, sourceGuestId });
    return toDto(row);
  }

  /** E.164 in the property's default region, or a 400 invalid_phone. */
  async phone(propertyId: string, input: string, field = 'phone'): Promise<string> {
    const property = await this.properties.findById(propertyId);
    const country = property ? withDefaults(property.name, property.settings).country : null;
    const e164 = normalizePhone(input, country);
    if (!e164) throw new InvalidPhoneException(field);
    return e164;
  }

  private async require(propertyId: string, guestId: string, forUpdate = false): Promise<GuestRow> {
    const row = await this.guests.findById(propertyId, guestId, forUpdate);
    if (!row) throw new GuestNotFoundException();
    return row;
  }
}

export function toDto(row: GuestRow): GuestDto {
  return {
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phone: row.phone,
    language: row.language,
    loyaltyTier: row.loyalty_tier,
    vipStatus: row.vip_status,
    externalIds: row.external_ids,
    preferences: row.preferences,
    stayCount: row.stay_count,
    totalRevenue: row.total_revenue,
    lastStayDate: row.last_stay_date,
    notes: row.notes,
    tags: row.tags,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function mapContactConflict(err: unknown): never {
  if (uniqueViolation(err, 'guests_email_key')) throw new GuestContactTakenException('email');
  if (uniqueViolation(err, 'guests_phone_key')) throw new GuestContactTakenException('phone');
  throw err;
}

/** Each word (letters and digits only) becomes a prefix term, all required: "ana san" → ana:* & san:*. */
function prefixQuery(q: string): string | undefined {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) {
    throw new ValidationFailedException([
      { field: 'q', code: 'noWords', message: 'q must contain a letter or digit' },
    ]);
  }
  return words
    .slice(0, 8)
    .map((w) => `${w}:*`)
    .join(' & ');
}

/** Cursor of the (last name, first name, id) order. */
function nameCursor(cursor: string): { lastName: string; firstName: string; id: string } {
  const [lastName, firstName, id] = decodeCursor(
    cursor,
    (k): k is [string, string, string] =>
      k.length === 3 && typeof k[0] === 'string' && typeof k[1] === 'string' && isUuid(k[2]),
  );
  return { lastName, firstName, id };
}
