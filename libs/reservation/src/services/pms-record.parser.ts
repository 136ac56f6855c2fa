import { isEmail } from 'class-validator';
import { DateTime } from 'luxon';

import { type ReservationStatus } from '../repositories/reservations.repository';

/**
 * The one normalized shape of PMS data, shared by imports and webhooks: a guest and/or one of
 * their reservations, keyed by the PMS's own ids. Rows arrive flat (CSV columns, flat JSON
 * objects) or nested (`{ guest: {...}, reservation: {...} }`); both end up as a PmsRecord.
 * Absent and empty values mean "not given" and never erase what we hold.
 */
export interface PmsGuestInput {
  externalId?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  language?: string;
  loyaltyTier?: string;
  vipStatus?: string;
  /** The PMS's last change of this guest (ISO, UTC, millisecond precision). */
  updatedAt?: string;
}

export interface PmsReservationInput {
  externalId: string;
  confirmationNumber?: string;
  roomNumber?: string;
  roomType?: string;
  arrivalDate?: string;
  departureDate?: string;
  status?: ReservationStatus;
  estimatedArrival?: string;
  estimatedDeparture?: string;
  actualArrival?: string;
  actualDeparture?: string;
  rateCode?: string;
  totalRate?: string;
  balance?: string;
  specialRequests?: string[];
  updatedAt?: string;
}

export interface PmsRecord {
  /** CSV: the line the row starts on; JSON: the row's 1-based position in the array. */
  line: number;
  guest?: PmsGuestInput;
  reservation?: PmsReservationInput;
}

export enum RowErrorCode {
  InvalidField = 'invalid_field',
  MissingField = 'missing_field',
  UnknownField = 'unknown_field',
  InvalidRow = 'invalid_row',
  DuplicateInFile = 'duplicate_in_file',
  GuestConflict = 'guest_conflict',
  ReservationConflict = 'reservation_conflict',
  UnknownReservation = 'unknown_reservation',
  Conflict = 'conflict',
}

export interface RowError {
  line: number;
  code: RowErrorCode;
  reason: string;
  field?: string;
}

export class RowRejected extends Error {
  constructor(
    readonly code: RowErrorCode,
    readonly reason: string,
    readonly field?: string,
  ) {
    super(reason);
  }
}

type GuestField = keyof PmsGuestInput;
type ReservationField = keyof PmsReservationInput;

/** Accepted spellings (compared lower-case without separators) of every field. */
const GUEST_ALIASES: Record<GuestField, string[]> = {
  externalId: ['guestexternalid', 'guestid', 'guestpmsid', 'pmsguestid', 'profileid', 'guestprofileid'],
  firstName: ['firstname', 'guestfirstname', 'givenname'],
  lastName: ['lastname', 'guestlastname', 'surname', 'familyname'],
  email: ['email', 'guestemail', 'emailaddress'],
  phone: ['phone', 'guestphone', 'phonenumber', 'mobile', 'mobilephone'],
  language: ['language', 'guestlanguage', 'lang'],
  loyaltyTier: ['loyaltytier', 'loyaltylevel', 'loyalty'],
  vipStatus: ['vipstatus', 'vip', 'viplevel', 'vipcode'],
  updatedAt: ['guestupdatedat'],
};
const RESERVATION_ALIASES: Record<ReservationField, string[]> = {
  externalId: ['reservationexternalid', 'reservationid', 'externalid', 'pmsreservationid', 'bookingid'],
  confirmationNumber: ['confirmationnumber', 'confirmationno', 'confirmation', 'confirmationcode'],
  roomNumber: ['roomnumber', 'room', 'roomno'],
  roomType: ['roomtype', 'roomcategory'],
  arrivalDate: ['arrivaldate', 'arrival', 'checkindate'],
  departureDate: ['departuredate', 'departure', 'checkoutdate'],
  status: ['status', 'reservationstatus'],
  estimatedArrival: ['estimatedarrival', 'eta'],
  estimatedDeparture: ['estimateddeparture', 'etd'],
  actualArrival: ['actualarrival', 'checkedinat'],
  actualDeparture: ['actualdeparture', 'checkedoutat'],
  rateCode: ['ratecode', 'rateplan'],
  totalRate: ['totalrate', 'totalamount', 'totalprice', 'total'],
  balance: ['balance', 'balancedue'],
  specialRequests: ['specialrequests', 'requests'],
  updatedAt: ['reservationupdatedat'],
};
/** A flat row's `updatedAt` dates both the guest and the reservation data of the row. */
const SHARED_UPDATED_AT = ['updatedat', 'lastmodified', 'modifiedat', 'lastupdated', 'updated'];

export const canonicalKey = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

function aliasIndex<F extends string>(aliases: Record<F, string[]>): Map<string, F> {
  const index = new Map<string, F>();
  for (const [field, names] of Object.entries(aliases) as [F, string[]][])
    for (const n of names) index.set(n, field);
  return index;
}
const GUEST_INDEX = aliasIndex(GUEST_ALIASES);
const RESERVATION_INDEX = aliasIndex(RESERVATION_ALIASES);

export type ColumnTarget =
  | { entity: 'guest'; field: GuestField }
  | { entity: 'reservation'; field: ReservationField }
  | { entity: 'both'; field: 'updatedAt' };

/** Where a flat column goes, or undefined for a column we do not know. */
export function columnTarget(name: string): ColumnTarget | undefined {
  const key = canonicalKey(name);
  const guest = GUEST_INDEX.get(key);
  if (guest) return { entity: 'guest', field: guest };
  const reservation = RESERVATION_INDEX.get(key);
  if (reservation) return { entity: 'reservation', field: reservation };
  if (SHARED_UPDATED_AT.includes(key)) return { entity: 'both', field: 'updatedAt' };
  return undefined;
}

const STATUS_ALIASES: Record<string, ReservationStatus> = {
  confirmed: 'confirmed',
  booked: 'confirmed',
  reserved: 'confirmed',
  new: 'confirmed',
  checkedin: 'checked_in',
  inhouse: 'checked_in',
  checkedout: 'checked_out',
  departed: 'checked_out',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  noshow: 'no_show',
};

const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;
const MONEY = /^-?\d{1,10}(\.\d{1,2})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** An ISO date-time with its own offset: JavaScript's Date reads these exactly. */
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Text PostgreSQL refuses or that has no place in a name or a note: NUL and the other C0
 * controls (tab and line breaks are fine), DEL, and UTF-16 halves without their other half.
 */
function unstorable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
    if (c >= 0xdc00 && c <= 0xdfff) return true; // a low half with no high half before it
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    }
  }
  return false;
}

/** `YYYY-MM-DD` naming a day that exists (no Feb 30, Feb 29 only in leap years). */
function calendarDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const year = Number(s.slice(0, 4));
  const month = Number(s.slice(5, 7));
  const day = Number(s.slice(8, 10));
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/**
 * Field parsers; `zone` reads timestamps written without an offset as the property's local time,
 * phones become E.164 with the property's country as the default region.
 */
export class RecordParser {
  private readonly phones = new Map<string, string | null>();

  constructor(
    private readonly zone: string,
    private readonly normalizePhone: (raw: string) => string | undefined,
  ) {}

  /** A flat or nested object (JSON import, webhook data) to a record; throws RowRejected. */
  fromObject(raw: unknown, line: number): PmsRecord {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new RowRejected(RowErrorCode.InvalidRow, 'a row must be a JSON object');
    const row = raw as Record<string, unknown>;
    if ('guest' in row || 'reservation' in row) {
      const extra = Object.keys(row).filter((k) => k !== 'guest' && k !== 'reservation');
      if (extra.length > 0)
        throw new RowRejected(RowErrorCode.UnknownField, `unknown field ${extra[0]}`, extra[0]);
      return {
        line,
        guest: given(row.guest) ? this.entity('guest', row.guest) : undefined,
        reservation: given(row.reservation) ? this.entity('reservation', row.reservation) : undefined,
      };
    }
    const guest: Record<string, unknown> = {};
    const reservation: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      const target = columnTarget(key);
      if (!target) throw new RowRejected(RowErrorCode.UnknownField, `unknown field ${key}`, key);
      if (target.entity !== 'reservation') guest[target.field] = value;
      if (target.entity !== 'guest') reservation[target.field] = value;
    }
    return this.build(line, guest, reservation);
  }

  /** One CSV record, already split into cells by header position. */
  fromCells(targets: ColumnTarget[], cells: string[], line: number): PmsRecord {
    if (cells.length !== targets.length)
      throw new RowRejected(
        RowErrorCode.InvalidRow,
        `expected ${targets.length} columns, found ${cells.length}`,
      );
    const guest: Record<string, unknown> = {};
    const reservation: Record<string, unknown> = {};
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i];
      if (t.entity !== 'reservation') guest[t.field] = cells[i];
      if (t.entity !== 'guest') reservation[t.field] = cells[i];
    }
    return this.build(line, guest, reservation);
  }

  private build(
    line: number,
    guest: Record<string, unknown>,
    reservation: Record<string, unknown>,
  ): PmsRecord {
    return {
      line,
      guest: hasData(guest) ? this.guest(guest) : undefined,
      reservation: hasData(reservation) ? this.reservation(reservation) : undefined,
    };
  }

  private entity(kind: 'guest', raw: unknown): PmsGuestInput;
  private entity(kind: 'reservation', raw: unknown): PmsReservationInput;
  private entity(kind: 'guest' | 'reservation', raw: unknown): PmsGuestInput | PmsReservationInput {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new RowRejected(RowErrorCode.InvalidField, `${kind} must be an object`, kind);
    const index = kind === 'guest' ? GUEST_INDEX : RESERVATION_INDEX;
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      const canonical = canonicalKey(key);
      const field =
        canonical === 'externalid' || canonical === 'id'
          ? 'externalId'
          : (index.get(canonical) ?? (SHARED_UPDATED_AT.includes(canonical) ? 'updatedAt' : undefined));
      if (!field)
        throw new RowRejected(RowErrorCode.UnknownField, `unknown field ${kind}.${key}`, `${kind}.${key}`);
      fields[field] = value;
    }
    return kind === 'guest' ? this.guest(fields) : this.reservation(fields);
  }

  private guest(f: Record<string, unknown>): PmsGuestInput {
    const email = this.text(f, 'email', 254);
    if (email !== undefined && !isEmail(email))
      throw new RowRejected(RowErrorCode.InvalidField, 'email is not an email address', 'email');
    const language = this.text(f, 'language', 10);
    if (language !== undefined && !LANGUAGE.test(language))
      throw new RowRejected(RowErrorCode.InvalidField, 'language must be like en or pt-BR', 'language');
    return {
      externalId: this.text(f, 'externalId', 100, 'guestExternalId'),
      firstName: this.text(f, 'firstName', 100),
      lastName: this.text(f, 'lastName', 100),
      email: email?.toLowerCase(),
      phone: this.phone(f),
      language,
      loyaltyTier: this.text(f, 'loyaltyTier', 50),
      vipStatus: this.text(f, 'vipStatus', 50),
      updatedAt: this.timestamp(f, 'updatedAt'),
    };
  }

  private reservation(f: Record<string, unknown>): PmsReservationInput {
    const externalId = this.text(f, 'externalId', 100, 'reservationExternalId');
    if (!externalId)
      throw new RowRejected(
        RowErrorCode.MissingField,
        'reservationExternalId is required for a reservation',
        'reservationExternalId',
      );
    const arrivalDate = this.date(f, 'arrivalDate');
    const departureDate = this.date(f, 'departureDate');
    if (arrivalDate && departureDate && departureDate <= arrivalDate)
      throw new RowRejected(
        RowErrorCode.InvalidField,
        'departureDate must be after arrivalDate',
        'departureDate',
      );
    const totalRate = this.money(f, 'totalRate');
    if (totalRate?.startsWith('-'))
      throw new RowRejected(RowErrorCode.InvalidField, 'totalRate must not be negative', 'totalRate');
    return {
      externalId,
      confirmationNumber: this.text(f, 'confirmationNumber', 50),
      roomNumber: this.text(f, 'roomNumber', 20),
      roomType: this.text(f, 'roomType', 50),
      arrivalDate,
      departureDate,
      status: this.status(f),
      estimatedArrival: this.timestamp(f, 'estimatedArrival'),
      estimatedDeparture: this.timestamp(f, 'estimatedDeparture'),
      actualArrival: this.timestamp(f, 'actualArrival'),
      actualDeparture: this.timestamp(f, 'actualDeparture'),
      rateCode: this.text(f, 'rateCode', 50),
      totalRate,
      balance: this.money(f, 'balance'),
      specialRequests: this.requests(f),
      updatedAt: this.timestamp(f, 'updatedAt'),
    };
  }

  private text(f: Record<string, unknown>, key: string, max: number, label = key): string | undefined {
    const v = f[key];
    if (!given(v)) return undefined;
    if (typeof v !== 'string' && typeof v !== 'number')
      throw new RowRejected(RowErrorCode.InvalidField, `${label} must be text`, label);
    const s = String(v).trim();
    if (unstorable(s))
      throw new RowRejected(
        RowErrorCode.InvalidField,
        `${label} holds control characters or broken Unicode`,
        label,
      );
    if (s.length > max)
      throw new RowRejected(RowErrorCode.InvalidField, `${label} is longer than ${max} characters`, label);
    return s;
  }

  private phone(f: Record<string, unknown>): string | undefined {
    const raw = this.text(f, 'phone', 40);
    if (raw === undefined) return undefined;
    // A guest's phone repeats on each of their rows; parsing one costs ~10 µs.
    let e164 = this.phones.get(raw);
    if (e164 === undefined) {
      e164 = this.normalizePhone(raw) ?? null;
      if (this.phones.size < 100_000) this.phones.set(raw, e164);
    }
    if (!e164) throw new RowRejected(RowErrorCode.InvalidField, 'phone is not a valid phone number', 'phone');
    return e164;
  }

  private date(f: Record<string, unknown>, key: string): string | undefined {
    const s = this.text(f, key, 10);
    if (s === undefined) return undefined;
    if (!calendarDate(s))
      throw new RowRejected(RowErrorCode.InvalidField, `${key} must be a calendar date (YYYY-MM-DD)`, key);
    return s;
  }

  /** ISO 8601; without an offset it is the property's local time. Returned in UTC, ms precision. */
  private timestamp(f: Record<string, unknown>, key: string): string | undefined {
    const s = this.text(f, key, 40);
    if (s === undefined) return undefined;
    if (ZONED.test(s)) {
      const t = new Date(s);
      if (!Number.isNaN(t.getTime()) && calendarDate(s.slice(0, 10))) return t.toISOString();
    }
    const t = DateTime.fromISO(s.replace(' ', 'T'), { zone: this.zone, setZone: true });
    if (!t.isValid || t.year < 1 || t.year > 9999)
      throw new RowRejected(RowErrorCode.InvalidField, `${key} must be an ISO 8601 date-time`, key);
    return t.toUTC().toISO();
  }

  private money(f: Record<string, unknown>, key: string): string | undefined {
    const s = this.text(f, key, 14);
    if (s === undefined) return undefined;
    if (!MONEY.test(s))
      throw new RowRejected(RowErrorCode.InvalidField, `${key} must be an amount like 120.50`, key);
    return Number(s).toFixed(2);
  }

  private status(f: Record<string, unknown>): ReservationStatus | undefined {
    const s = this.text(f, 'status', 30);
    if (s === undefined) return undefined;
    const status = STATUS_ALIASES[canonicalKey(s)];
    if (!status)
      throw new RowRejected(
        RowErrorCode.InvalidField,
        'status must be confirmed, checked_in, checked_out, cancelled or no_show',
        'status',
      );
    return status;
  }

  /** A JSON array of texts, or one text separated by `;` or `|`. */
  private requests(f: Record<string, unknown>): string[] | undefined {
    const v = f.specialRequests;
    if (!given(v)) return undefined;
    const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[;|]/) : undefined;
    if (!items || items.some((i) => typeof i !== 'string' || i.length > 500) || items.length > 20)
      throw new RowRejected(
        RowErrorCode.InvalidField,
        'specialRequests must be at most 20 texts of up to 500 characters',
        'specialRequests',
      );
    return (items as string[]).map((i) => i.trim()).filter((i) => i.length > 0);
  }
}

/** Any value besides `updatedAt` (a timestamp alone says nothing about the guest or stay). */
function hasData(fields: Record<string, unknown>): boolean {
  for (const key in fields) if (key !== 'updatedAt' && given(fields[key])) return true;
  return false;
}

function given(v: unknown): boolean {
  return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
}
