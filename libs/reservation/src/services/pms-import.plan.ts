import { type PmsGuestInput, type PmsRecord, type RowError, RowErrorCode } from './pms-record.parser';

/**
 * How a whole import file is cut into batches so that its outcome does not depend on row order
 * and importing it twice changes nothing:
 * - a reservation listed twice is rejected the second time;
 * - rows that name the same person (linked by PMS guest id, email or phone, transitively) form
 *   one identity; its rows share a batch, so concurrent batches never touch the same guest;
 * - an identity with at most one PMS guest id is one guest: its rows all carry one merged
 *   profile (for each field the newest value by `updatedAt`, else the last in the file). An
 *   identity joining two PMS ids keeps its rows as they are (the sync rejects the clash).
 */
export function planImport(records: PmsRecord[], rejected: RowError[], batchSize: number): PmsRecord[][] {
  const kept = withoutRepeatedReservations(records, rejected);
  const identities = groupByIdentity(kept);
  const batches: PmsRecord[][] = [];
  let current: PmsRecord[] = [];
  for (const group of identities) {
    if (current.length > 0 && current.length + group.length > batchSize) {
      batches.push(current);
      current = [];
    }
    current.push(...mergeGuest(group));
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function withoutRepeatedReservations(records: PmsRecord[], rejected: RowError[]): PmsRecord[] {
  const firstLine = new Map<string, number>();
  return records.filter((record) => {
    const id = record.reservation?.externalId;
    if (id === undefined) return true;
    const first = firstLine.get(id);
    if (first === undefined) {
      firstLine.set(id, record.line);
      return true;
    }
    rejected.push({
      line: record.line,
      code: RowErrorCode.DuplicateInFile,
      reason: `reservation ${id} already appears on line ${first}`,
      field: 'reservationExternalId',
    });
    return false;
  });
}

/** Groups of records naming one person, in order of first appearance (union-find over keys). */
function groupByIdentity(records: PmsRecord[]): PmsRecord[][] {
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    let root = key;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let k = key; k !== root;) {
      const up = parent.get(k)!;
      parent.set(k, root); // path compression
      k = up;
    }
    return root;
  };
  const keysOf = records.map((r, i) => {
    const g = r.guest;
    const keys = [
      g?.externalId && `p:${g.externalId}`,
      g?.email && `e:${g.email}`,
      g?.phone && `t:${g.phone}`,
    ].filter((k): k is string => Boolean(k));
    return keys.length > 0 ? keys : [`#${i}`];
  });
  for (const keys of keysOf) {
    for (const k of keys) if (!parent.has(k)) parent.set(k, k);
    for (const k of keys.slice(1)) {
      const [a, b] = [find(keys[0]), find(k)];
      if (a !== b) parent.set(b, a);
    }
  }
  const groups = new Map<string, PmsRecord[]>();
  records.forEach((record, i) => {
    const root = find(keysOf[i][0]);
    const group = groups.get(root);
    if (group) group.push(record);
    else groups.set(root, [record]);
  });
  return [...groups.values()];
}

function mergeGuest(group: PmsRecord[]): PmsRecord[] {
  const versions = group.flatMap((r, i) => (r.guest ? [{ guest: r.guest, i }] : []));
  const pmsIds = new Set(versions.flatMap((v) => (v.guest.externalId ? [v.guest.externalId] : [])));
  if (versions.length < 2 || pmsIds.size > 1) return group;
  const merged: PmsGuestInput = {};
  versions
    .sort((a, b) => (a.guest.updatedAt ?? '').localeCompare(b.guest.updatedAt ?? '') || a.i - b.i)
    .forEach(({ guest }) => {
      for (const [k, v] of Object.entries(guest) as [keyof PmsGuestInput, string | undefined][])
        if (v !== undefined) merged[k] = v;
    });
  return group.map((r) => (r.guest ? { ...r, guest: merged } : r));
}
