import { GuestSync, type SyncedGuest } from '@app/guest';
import { OutboxService, PlatformDb, PropertiesRepository, TenantDb } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';

import { PmsReservationsRepository } from '../repositories/pms-reservations.repository';
import { type PmsRecord, RecordParser, type RowError, RowErrorCode, RowRejected } from './pms-record.parser';
import { type RowOutcome, SyncBatch } from './pms-sync-batch';

export interface BatchResult {
  outcomes: RowOutcome[];
  rejected: RowError[];
}

/**
 * PostgreSQL errors about a row (a value refused: class 22; a constraint: class 23; a clash with
 * a concurrent writer), as opposed to the database failing: the batch is then retried row by row.
 */
const rowLevel = (err: unknown) => /^(22|23|40001|40P01)/.test(sqlState(err));

/**
 * Writes PMS records into the guest and reservation schemas. A batch is one property
 * transaction: the rows it touches are locked, the records applied in memory, and what changed is
 * written set-based together with its domain events. If the batch's writes fail on a conflict
 * (a concurrent writer took an email, a confirmation number), each record is retried alone so
 * only the conflicting records are rejected.
 */
@Injectable()
export class PmsSyncService {
  private readonly logger = new Logger(PmsSyncService.name);

  constructor(
    private readonly db: TenantDb,
    private readonly platformDb: PlatformDb,
    private readonly guests: GuestSync,
    private readonly reservations: PmsReservationsRepository,
    private readonly properties: PropertiesRepository,
    private readonly outbox: OutboxService,
  ) {}

  /** The parser for the current property's time zone and phone region. */
  async parser(): Promise<RecordParser> {
    const property = await this.properties.findById(this.db.propertyId);
    const normalizer = await this.guests.contactNormalizer();
    return new RecordParser(property?.timezone ?? 'UTC', normalizer.phone);
  }

  /** Applies records in their own property transaction(s). */
  async applyBatch(
    scope: { propertyId: string; userId: string | null },
    records: PmsRecord[],
  ): Promise<BatchResult> {
    try {
      return await this.db.run(scope, () => this.applyInTransaction(records, scope.userId));
    } catch (err) {
      if (records.length === 1 || !rowLevel(err)) throw err;
      this.logger.warn(`batch of ${records.length} rows hit ${sqlState(err)}; retrying row by row`);
      const result: BatchResult = { outcomes: [], rejected: [] };
      for (const record of records) {
        const one = await this.applyBatch(scope, [record]).catch((e: unknown) => {
          if (!rowLevel(e)) throw e;
          return {
            outcomes: [],
            rejected: [{ line: record.line, code: RowErrorCode.Conflict, reason: conflictReason(e) }],
          };
        });
        result.outcomes.push(...one.outcomes);
        result.rejected.push(...one.rejected);
      }
      return result;
    }
  }

  /**
   * Re-analyzes the guest and reservation tables after a bulk load (outside any batch
   * transaction, so the ANALYZE lock is held only while it runs).
   */
  async refreshStatistics(): Promise<void> {
    await this.platformDb.query('select platform.refresh_sync_statistics()');
  }

  /**
   * Inside the caller's property transaction (webhooks apply one record with their dedup row).
   * Rows are read without locks first, so a batch that changes nothing writes nothing (a repeated
   * import stays cheap); rows about to change are then locked, guests before reservations (the
   * order checkouts and merges lock in), and if any changed since the read the batch is planned
   * again from locked rows.
   */
  async applyInTransaction(records: PmsRecord[], actorId: string | null): Promise<BatchResult> {
    const propertyId = this.db.propertyId;
    const zone = (await this.properties.findById(propertyId))?.timezone ?? 'UTC';
    let plan = this.plan(await this.load(propertyId, records, zone, false), records);
    let c = plan.batch.changes();
    if (!(await this.lockUnchanged(c))) {
      plan = this.plan(await this.load(propertyId, records, zone, true), records);
      c = plan.batch.changes();
    }
    await this.guests.write(c.guestInserts, c.guestUpdates, actorId);
    await this.reservations.insertMany(propertyId, c.reservationInserts, actorId);
    await this.reservations.updateMany(propertyId, c.reservationUpdates, actorId);
    await this.outbox.publishEvents(c.events);
    return plan.result;
  }

  private plan(batch: SyncBatch, records: PmsRecord[]): { batch: SyncBatch; result: BatchResult } {
    const result: BatchResult = { outcomes: [], rejected: [] };
    for (const record of records) {
      try {
        result.outcomes.push(batch.apply(record));
      } catch (err) {
        if (!(err instanceof RowRejected)) throw err;
        result.rejected.push({ line: record.line, code: err.code, reason: err.reason, field: err.field });
      }
    }
    return { batch, result };
  }

  /** Locks the rows a plan updates; false if any of them changed since it was read. */
  private async lockUnchanged(c: ReturnType<SyncBatch['changes']>): Promise<boolean> {
    const same = (read: { id: string; version: number }[], locked: { id: string; version: number }[]) => {
      const now = new Map(locked.map((r) => [r.id, r.version]));
      return read.every((r) => now.get(r.id) === r.version);
    };
    const guests = c.guestUpdates.map((u) => u.guest);
    if (guests.length > 0 && !same(guests, await this.guests.lockVersions(guests.map((g) => g.id))))
      return false;
    const reservations = c.reservationUpdates;
    if (reservations.length === 0) return true;
    return same(
      reservations,
      await this.reservations.lockVersions(
        this.db.propertyId,
        reservations.map((r) => r.id),
      ),
    );
  }

  /**
   * Every row the records may touch; `lock`: guests first, then reservations, all for update.
   * Lookups by PMS id come first; confirmation numbers, emails and phones are looked up only for
   * records those did not settle (new rows, or values that may belong to another row), so a
   * repeated import reads each row once.
   */
  private async load(
    propertyId: string,
    records: PmsRecord[],
    zone: string,
    lock: boolean,
  ): Promise<SyncBatch> {
    const { found, keys } = await this.findReservations(propertyId, records);
    const guests = await this.guests.findMatching(
      {
        ids: [...new Set(found.map((r) => r.guestId))],
        pmsIds: records.flatMap((r) => (r.guest?.externalId ? [r.guest.externalId] : [])),
        emails: [],
        phones: [],
      },
      lock,
    );
    const contacts = this.unsettledContacts(records, guests, new Map(found.map((r) => [r.externalId, r])));
    if (contacts.emails.length + contacts.phones.length > 0)
      guests.push(...(await this.guests.findMatching({ ids: [], pmsIds: [], ...contacts }, lock)));
    if (!lock) return new SyncBatch(uniqueById(guests), found, zone, new Date().toISOString());

    const locked = await this.reservations.find(propertyId, keys, true);
    const known = new Set(guests.map((g) => g.id));
    const missing = [...new Set(locked.map((r) => r.guestId))].filter((id) => !known.has(id));
    // A reservation moved to another guest between the two reads: lock that guest too.
    if (missing.length > 0)
      guests.push(
        ...(await this.guests.findMatching({ ids: missing, pmsIds: [], emails: [], phones: [] }, true)),
      );
    return new SyncBatch(uniqueById(guests), locked, zone, new Date().toISOString());
  }

  /** Reservations by PMS id, then by confirmation number where that may name another row. */
  private async findReservations(propertyId: string, records: PmsRecord[]) {
    const withReservation = records.flatMap((r) => (r.reservation ? [r.reservation] : []));
    const externalIds = withReservation.map((r) => r.externalId);
    const byExternal = await this.reservations.find(
      propertyId,
      { externalIds, confirmationNumbers: [] },
      false,
    );
    const held = new Map(byExternal.map((r) => [r.externalId, r]));
    const confirmationNumbers = withReservation.flatMap((r) => {
      const wanted = r.confirmationNumber ?? held.get(r.externalId)?.confirmationNumber ?? r.externalId;
      return held.get(r.externalId)?.confirmationNumber === wanted ? [] : [wanted];
    });
    const keys = { externalIds, confirmationNumbers };
    const found =
      confirmationNumbers.length > 0 ? await this.reservations.find(propertyId, keys, false) : byExternal;
    return { found, keys };
  }

  /**
   * Emails and phones to look up: those of records whose guest is not found by PMS id or through
   * its reservation, and those that differ from the found guest's (they may be another guest's).
   */
  private unsettledContacts(
    records: PmsRecord[],
    guests: SyncedGuest[],
    reservations: Map<string | null, { guestId: string }>,
  ): { emails: string[]; phones: string[] } {
    const byPms = new Map(guests.map((g) => [g.pmsId, g]));
    const byId = new Map(guests.map((g) => [g.id, g]));
    const emails = new Set<string>();
    const phones = new Set<string>();
    for (const { guest, reservation } of records) {
      if (!guest) continue;
      const current =
        (guest.externalId ? byPms.get(guest.externalId) : undefined) ??
        (reservation ? byId.get(reservations.get(reservation.externalId)?.guestId ?? '') : undefined);
      if (guest.email && guest.email !== current?.email) emails.add(guest.email);
      if (guest.phone && guest.phone !== current?.phone) phones.add(guest.phone);
    }
    return { emails: [...emails], phones: [...phones] };
  }
}

function uniqueById<T extends { id: string }>(rows: T[]): T[] {
  return [...new Map(rows.map((r) => [r.id, r])).values()];
}

function sqlState(err: unknown): string {
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : '';
}

const CONFLICT_REASONS: Record<string, string> = {
  guests_email_key: 'the email belongs to another guest',
  guests_phone_key: 'the phone belongs to another guest',
  guests_pms_id_key: 'another guest has this PMS id',
  reservations_confirmation_key: 'the confirmation number belongs to another reservation',
  reservations_external_key: 'another reservation has this PMS id',
};

function conflictReason(err: unknown): string {
  const constraint = (err as { driverError?: { constraint?: string } })?.driverError?.constraint;
  if (constraint && CONFLICT_REASONS[constraint]) return CONFLICT_REASONS[constraint];
  if (sqlState(err).startsWith('22')) return `a value the database refuses: ${(err as Error).message}`;
  return 'the row conflicts with a concurrent change; import it again';
}
