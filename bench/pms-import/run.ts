/**
 * bench/pms-import: imports 100,000 reservations (with their guests) into a fresh property through
 * the real api (a separate process, CSV uploads of 50,000 rows, the per-request maximum), prints
 * rows/s and the api's peak RSS, then imports the same files again and prints the no-op rate.
 *
 *   npm run bench:pms-import
 *
 * BENCH_ROWS changes the size; BENCH_SKIP_BUILD=1 reuses dist/; BENCH_NODE_ARGS replaces the api's
 * node flags (default: the heap cap it is deployed with); BENCH_PROFILE=<dir> writes a CPU profile;
 * BENCH_KEEP_DB=1 keeps the database for EXPLAIN.
 */
import 'reflect-metadata';

import { env, fmt, peakRssMb, signup, startBenchApi } from '../lib/api-process';

const ROWS = Number(env.BENCH_ROWS ?? 100_000);
const PER_REQUEST = 50_000;
const DATABASE = 'butler_bench_pms';
const AIMS = { firstRowsPerSecond: 5_000, noopRowsPerSecond: 20_000, peakRssMb: 400 };

interface Report {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

async function main(): Promise<void> {
  const bench = await startBenchApi(DATABASE);
  const { base, process: api } = bench;
  try {
    const { token, propertyId } = await signup(base);
    const rssIdle = peakRssMb(api);
    const files = chunks(ROWS, PER_REQUEST).map(([from, to]) => csv(from, to));
    console.log(
      `${ROWS.toLocaleString('en')} reservations in ${files.length} CSV file(s) of ≤ ${PER_REQUEST.toLocaleString('en')} rows`,
    );

    const first = await importAll(base, token, propertyId, files);
    const rssFirst = peakRssMb(api);
    const again = await importAll(base, token, propertyId, files);
    const rssAll = peakRssMb(api);

    const firstRate = ROWS / first.seconds;
    const noopRate = ROWS / again.seconds;
    console.log('');
    console.log(
      `first import   ${fmt(first.seconds, 2)} s   ${fmt(firstRate)} rows/s   created ${first.created}`,
    );
    console.log(
      `re-import      ${fmt(again.seconds, 2)} s   ${fmt(noopRate)} rows/s   unchanged ${again.unchanged}`,
    );
    console.log(
      `peak RSS       ${fmt(rssIdle)} MB idle, ${fmt(rssFirst)} MB after the first import, ${fmt(rssAll)} MB at the end`,
    );
    console.log('');
    console.log(
      `first import rate / aim ${fmt(AIMS.firstRowsPerSecond)}:  ${fmt(firstRate / AIMS.firstRowsPerSecond, 2)}×`,
    );
    console.log(
      `no-op rate / aim ${fmt(AIMS.noopRowsPerSecond)}:      ${fmt(noopRate / AIMS.noopRowsPerSecond, 2)}×`,
    );
    console.log(`no-op rate / first rate:        ${fmt(noopRate / firstRate, 2)}×`);
    console.log(`peak RSS / aim ${AIMS.peakRssMb} MB:           ${fmt(rssAll / AIMS.peakRssMb, 2)}×`);
    if (first.created !== ROWS || first.rejected !== 0 || again.unchanged !== ROWS)
      throw new Error('the import did not create (then leave unchanged) every row: the figures are void');
  } finally {
    await bench.stop();
  }
}

/** A realistic export: repeat guests (about 1 in 4 reservations), contacts, mixed statuses. */
function csv(from: number, to: number): string {
  const lines = [
    'reservation_id,confirmation_number,guest_id,first_name,last_name,email,phone,room_number,room_type,' +
      'arrival_date,departure_date,status,rate_code,total_rate,special_requests,updated_at',
  ];
  const statuses = ['confirmed', 'confirmed', 'confirmed', 'checked_in', 'checked_out', 'cancelled'];
  for (let n = from; n < to; n++) {
    const guest = n % 4 === 3 ? n - 3 : n; // every fourth reservation belongs to an earlier guest
    const arrival = new Date(Date.UTC(2026, 0, 1) + (n % 700) * 86_400_000);
    const departure = new Date(arrival.getTime() + (1 + (n % 6)) * 86_400_000);
    const phone = guest % 2 === 0 ? `+35191${String(guest).padStart(7, '0')}` : '';
    lines.push(
      [
        `R${n}`,
        `C${n}`,
        `G${guest}`,
        `First${guest}`,
        `"Last, ${guest}"`,
        `guest${guest}@example.com`,
        phone,
        String(100 + (n % 400)),
        n % 3 === 0 ? 'Deluxe Double' : 'Superior Twin',
        day(arrival),
        day(departure),
        statuses[n % statuses.length],
        'BAR',
        (120 + (n % 50) * 10).toFixed(2),
        n % 5 === 0 ? '"late checkout; high floor"' : '',
        '2026-11-01T10:00:00Z',
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

async function importAll(base: string, token: string, propertyId: string, files: string[]) {
  const total = { seconds: 0, created: 0, unchanged: 0, rejected: 0 };
  for (const [i, file] of files.entries()) {
    const form = new FormData();
    form.append('file', new Blob([file], { type: 'text/csv' }), `export-${i}.csv`);
    const started = process.hrtime.bigint();
    const res = await fetch(`${base}/api/v1/properties/${propertyId}/pms/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const report = (await res.json()) as Report;
    if (res.status !== 200) throw new Error(`import failed: ${res.status} ${JSON.stringify(report)}`);
    console.log(
      `  file ${i + 1}: ${fmt(report.rows)} rows in ${fmt(seconds, 2)} s (created ${report.created}, ` +
        `updated ${report.updated}, unchanged ${report.unchanged}, rejected ${report.rejected})`,
    );
    total.seconds += seconds;
    total.created += report.created;
    total.unchanged += report.unchanged;
    total.rejected += report.rejected;
  }
  return total;
}

function chunks(total: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let from = 0; from < total; from += size) out.push([from, Math.min(total, from + size)]);
  return out;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
