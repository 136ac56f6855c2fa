/**
 * How fast the machine is right now, in two fixed figures printed beside a benchmark's results.
 * The build machine's speed moves by a third between hours with the same code; these figures tell a
 * run on a slow hour from a slower change, so runs of different hours can be read side by side.
 */
import { performance } from 'node:perf_hooks';

import type { Client } from 'pg';

export interface MachineSpeed {
  /** The fixed JavaScript workload's best time of five, in ms. */
  jsMs: number;
  /** The best time of five batches of 500 one-row round trips to PostgreSQL, per round trip, in µs. */
  roundTripUs: number;
}

/** Objects, JSON, a regular expression and a map: the kind of work a request does, 20,000 times. */
function workload(): number {
  const seen = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < 20_000; i++) {
    const doc = {
      id: i,
      room: `${200 + (i % 80)}`,
      items: ['towel', 'pillow'],
      count: i % 7,
      note: 'two more towels',
    };
    const back = JSON.parse(JSON.stringify(doc)) as typeof doc;
    const match = /(\d+)\s+more\s+(\w+)/.exec(
      `please bring ${back.count} more ${back.items[i % 2]}s to ${back.room}`,
    );
    const key = match ? `${match[2]}:${back.room}` : back.room;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    total += key.length;
  }
  return total + seen.size;
}

function best(runs: number, f: () => number): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    f();
    min = Math.min(min, performance.now() - start);
  }
  return min;
}

export async function machineSpeed(db: Client): Promise<MachineSpeed> {
  const jsMs = best(5, workload);
  let batchMs = Infinity;
  for (let b = 0; b < 5; b++) {
    const start = performance.now();
    for (let i = 0; i < 500; i++) await db.query('select $1::int as n', [i]);
    batchMs = Math.min(batchMs, performance.now() - start);
  }
  return { jsMs, roundTripUs: (batchMs / 500) * 1000 };
}

export function describeSpeed(s: MachineSpeed): string {
  return `a fixed JS workload ${s.jsMs.toFixed(1)} ms, a PostgreSQL round trip ${s.roundTripUs.toFixed(0)} µs (best of five each)`;
}
