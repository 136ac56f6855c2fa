/**
 * CPU time of the processes a benchmark cares about, read from /proc: named processes, every
 * process of a command (PostgreSQL's backends, Redis), this process, and the rest of the machine.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Some pids; every process named `comm` (with their reaped children); or this process and its children. */
export type CpuSource = { pid: number } | { pids: number[] } | { comm: string } | 'self';

export interface CpuSample {
  at: number;
  /** The machine's busy ticks (user, nice, system). */
  busy: number;
  ticks: Record<string, number>;
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system ticks of a process, with its reaped children's when asked. */
function ticksOf(pid: number | 'self', children: boolean): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ')
      .map(Number);
    return fields[11] + fields[12] + (children ? fields[13] + fields[14] : 0);
  } catch {
    return 0; // exited meanwhile
  }
}

function ticksOfCommands(names: Set<string>): Map<string, number> {
  const total = new Map<string, number>([...names].map((n) => [n, 0]));
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (names.has(comm)) total.set(comm, total.get(comm)! + ticksOf(Number(pid), true));
    } catch {
      /* gone meanwhile */
    }
  }
  return total;
}

export function cpuSample(sources: Record<string, CpuSource>): CpuSample {
  const [user, nice, system] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const commands = new Set(
    Object.values(sources).flatMap((s) => (typeof s === 'object' && 'comm' in s ? [s.comm] : [])),
  );
  const byCommand = commands.size > 0 ? ticksOfCommands(commands) : new Map<string, number>();
  const ticks: Record<string, number> = {};
  for (const [name, s] of Object.entries(sources))
    ticks[name] =
      s === 'self'
        ? ticksOf('self', true)
        : 'pid' in s
          ? ticksOf(s.pid, false)
          : 'pids' in s
            ? s.pids.reduce((sum, pid) => sum + ticksOf(pid, false), 0)
            : byCommand.get(s.comm)!;
  return { at: performance.now(), busy: user + nice + system, ticks };
}

/** Average cores each source used between two samples, and what the rest of the machine used. */
export function cpuBetween(
  from: CpuSample,
  to: CpuSample,
): { seconds: number; cores: Record<string, number>; other: number } {
  const seconds = (to.at - from.at) / 1000;
  const cores: Record<string, number> = {};
  let named = 0;
  for (const name of Object.keys(from.ticks)) {
    cores[name] = (to.ticks[name] - from.ticks[name]) / CLK_TCK / seconds;
    named += cores[name];
  }
  return { seconds, cores, other: Math.max(0, (to.busy - from.busy) / CLK_TCK / seconds - named) };
}
