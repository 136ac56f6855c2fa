/**
 * bench/webhook-ingest: posts validly signed Twilio SMS webhooks (a unique MessageSid each) to the
 * real api (a separate process) and measures what it acknowledges: first at full speed, then paced
 * at half that rate, then the ceiling pgbench reaches for storing the same message row + outbox row
 * on the same machine (the api's one statement, and the same inserts as a five-statement transaction). Every acknowledged MessageSid must be stored exactly once.
 *
 *   npm run bench:webhook-ingest
 *
 * BENCH_SECONDS sets the full-speed phase (default 30; the paced phase and pgbench run half of it);
 * BENCH_CONNECTIONS the load generator's connections (default 20); BENCH_SKIP_BUILD=1 reuses dist/;
 * BENCH_NODE_ARGS replaces the api's node flags (default: the heap cap it is deployed with);
 * BENCH_LOG_LEVEL the api's LOG_LEVEL (default warn); BENCH_PROFILE=<dir> writes a CPU profile of
 * the api; BENCH_KEEP_DB=1 keeps the database.
 */
import 'reflect-metadata';

import { type ChildProcess, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

import { twilioSignature } from '@app/conversation';
import { withDatabase } from '@app/db/scripts/provisioning';
import autocannon from 'autocannon';
import { Client } from 'pg';

import {
  apiNodeArgs,
  createTwilioChannel,
  env,
  fmt,
  peakRssMb,
  signup,
  startBenchApi,
  type TwilioChannel,
} from '../lib/api-process';

const SECONDS = Number(env.BENCH_SECONDS ?? 30);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 20);
const HALF_SECONDS = Math.max(1, Math.round(SECONDS / 2));
const DATABASE = 'butler_bench_ingest';
const AIMS = { ofCeiling: 0.4, p99AtHalfMs: 50 };
const PATH = '/webhooks/twilio/messages';
/** What the controller answers (the body of every ack). */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const GUEST = '+351912345678';

interface Phase {
  seconds: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  mismatches: number;
  p50: number;
  p99: number;
  max: number;
}

/** Every MessageSid the api acknowledged with 200 and the empty TwiML. */
const acked = new Set<string>();

async function main(): Promise<void> {
  const bench = await startBenchApi(DATABASE, { publicBaseUrl: true });
  const { base, urls, process: api } = bench;
  const port = Number(new URL(base).port);
  const admin = new Client({ connectionString: withDatabase(urls.admin, DATABASE) });
  const problems: string[] = [];
  try {
    await admin.connect();
    const { token, propertyId } = await signup(base);
    const channel = await createTwilioChannel(base, token, propertyId);
    const webhook = signer(base, channel);
    console.log(
      `${cpus().length} cores; api ${apiNodeArgs()}, LOG_LEVEL ${env.BENCH_LOG_LEVEL ?? 'warn'}; ` +
        `Twilio number ${channel.number}`,
    );

    const warm = await fullSpeed(base, webhook, 2, 'warm-up'); // JIT and pools; checked like the rest
    let cpu = cpuSample(api);
    const full = await fullSpeed(base, webhook, SECONDS, 'full speed');
    const fullCpu = cpuSince(cpu, api);
    const afterFull = await checkRows(admin, propertyId);
    const halfRate = Math.max(1, Math.round(full.ok / full.seconds / 2));
    cpu = cpuSample(api);
    const half = await paced(port, webhook, halfRate, HALF_SECONDS);
    const halfCpu = cpuSince(cpu, api);
    const afterHalf = await checkRows(admin, propertyId);
    const rssPeak = peakRssMb(api);
    cpu = cpuSample(api);
    const route = await admin.query<{ version: number }>(
      'select version from platform.channel_routes where account_id = $1',
      [channel.id],
    );
    const vars = {
      propertyId,
      accountId: channel.id,
      number: channel.number,
      version: route.rows[0].version,
    };
    const ceiling = pgbenchCeiling(withDatabase(urls.app, DATABASE), vars, 'statement', HALF_SECONDS);
    const pgbenchCpu = cpuSince(cpu, api);
    const statementRows = await pgbenchRows(admin);
    const classic = pgbenchCeiling(withDatabase(urls.app, DATABASE), vars, 'transaction', HALF_SECONDS);
    // Each pgbench transaction must have stored its message (a refused route would store nothing, fast).
    if (statementRows < ceiling.tps * HALF_SECONDS * 0.9)
      problems.push(
        `pgbench (statement) stored ${statementRows} messages for ${fmt(ceiling.tps * HALF_SECONDS)} transactions`,
      );

    const rate = full.ok / full.seconds;
    const halfAchieved = half.ok / half.seconds;
    console.log('');
    console.log(
      `full speed     ${fmt(rate)} acks/s over ${fmt(full.seconds, 1)} s, ${CONNECTIONS} connections   ` +
        `p50 ${fmt(full.p50, 1)} ms   p99 ${fmt(full.p99, 1)} ms   max ${fmt(full.max)} ms`,
    );
    console.log(
      `half rate      ${fmt(halfAchieved)} acks/s paced (target ${fmt(halfRate)}) over ${fmt(half.seconds, 1)} s   ` +
        `p50 ${fmt(half.p50, 1)} ms   p99 ${fmt(half.p99, 1)} ms   max ${fmt(half.max)} ms ` +
        `(the generator's own event loop lagged ≤ ${fmt(half.lagMs)} ms)`,
    );
    console.log(
      `pgbench        ${fmt(ceiling.tps)} tps (the api's statement: message + outbox job, ${ceiling.clients} clients, ` +
        `${HALF_SECONDS} s, ${ceiling.failed} failed)`,
    );
    console.log(
      `pgbench        ${fmt(classic.tps)} tps (the same as a five-statement transaction, ${classic.failed} failed)`,
    );
    for (const [name, p] of [
      ['full speed', full],
      ['half rate', half],
    ] as const)
      console.log(
        `errors         ${name}: ${p.non2xx} non-2xx, ${p.errors} connection errors/timeouts, ` +
          `${p.mismatches} other bodies (of ${fmt(p.sent)} sent)`,
      );
    for (const [name, r] of [
      ['after full speed', afterFull],
      ['after half rate', afterHalf],
    ] as const)
      console.log(
        `rows           ${name}: ${fmt(r.accepted)} acknowledged, ${fmt(r.rows)} messages, ${fmt(r.jobs)} outbox jobs; ` +
          `lost ${r.lost}, duplicates ${r.duplicates}, stored but not acknowledged ${r.unacked} ` +
          `(cut off when a closed-loop run stopped: ≤ 2 × ${CONNECTIONS})`,
      );
    console.log(`api peak RSS   ${fmt(rssPeak)} MB`);
    for (const [name, c, done] of [
      ['full speed', fullCpu, full.ok],
      ['half rate', halfCpu, half.ok],
      ['pgbench', pgbenchCpu, ceiling.tps * HALF_SECONDS],
    ] as const)
      console.log(
        `CPU, cores    ${name}: api ${fmt(c.api, 2)}, postgres ${fmt(c.postgres, 2)}, ` +
          `this process ${fmt(c.self, 2)}${name === 'pgbench' ? ' (pgbench)' : ' (load generator)'}, ` +
          `other ${fmt(c.other, 2)}; per ${name === 'pgbench' ? 'transaction' : 'ack'}: ` +
          `api ${fmt((c.api * c.seconds * 1000) / done, 2)} ms, postgres ${fmt((c.postgres * c.seconds * 1000) / done, 2)} ms`,
      );
    for (const [name, c] of [
      ['full speed', fullCpu],
      ['half rate', halfCpu],
      ['pgbench', pgbenchCpu],
    ] as const)
      if (c.other > 0.15)
        console.log(
          `warning: other processes on this machine used ${fmt(c.other, 2)} cores during ${name}; the figures are disturbed`,
        );
    console.log('');
    const ofCeiling = rate / ceiling.tps;
    console.log(
      `ingest / pgbench ceiling:           ${fmt(ofCeiling, 2)} (aim ≥ ${fmt(AIMS.ofCeiling, 2)}: ` +
        `${fmt(ofCeiling / AIMS.ofCeiling, 2)}× the aim)`,
    );
    console.log(
      `ingest / five-statement ceiling:    ${fmt(rate / classic.tps, 2)} (for comparison with earlier runs)`,
    );
    console.log(
      `p99 at half rate / aim ${AIMS.p99AtHalfMs} ms:      ${fmt(half.p99 / AIMS.p99AtHalfMs, 2)}×`,
    );

    for (const [name, p] of [
      ['warm-up', warm],
      ['full speed', full],
      ['half rate', half],
    ] as const)
      if (p.non2xx + p.errors + p.mismatches > 0)
        problems.push(`${name}: ${p.non2xx + p.errors + p.mismatches} requests failed`);
    for (const r of [afterFull, afterHalf]) {
      if (r.lost > 0) problems.push(`${r.lost} acknowledged messages are not stored`);
      if (r.duplicates > 0) problems.push(`${r.duplicates} messages are stored twice`);
      if (r.jobs !== r.rows) problems.push(`${r.rows} messages but ${r.jobs} outbox jobs`);
      if (r.unacked > 2 * CONNECTIONS) problems.push(`${r.unacked} messages stored without an answer`);
    }
    if (ceiling.failed + classic.failed > 0)
      problems.push(`pgbench: ${ceiling.failed + classic.failed} failed transactions`);
  } finally {
    await admin.end().catch(() => undefined);
    await bench.stop();
  }
  if (problems.length > 0) throw new Error(`the figures are void: ${problems.join('; ')}`);
}

/** A signed webhook with a fresh MessageSid, as Twilio sends it for an SMS. */
type Signer = () => { sid: string; body: string; headers: Record<string, string> };

function signer(base: string, channel: TwilioChannel): Signer {
  const url = `${base}${PATH}`;
  const run = randomBytes(8).toString('hex');
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  let n = 0;
  return () => {
    n += 1;
    const sid = `SM${run}${n.toString(16).padStart(16, '0')}`;
    const params: Record<string, string> = {
      ToCountry: 'US',
      ToState: 'CA',
      SmsMessageSid: sid,
      NumMedia: '0',
      ToCity: 'SAN FRANCISCO',
      FromZip: '',
      SmsSid: sid,
      FromState: '',
      SmsStatus: 'received',
      FromCity: '',
      Body: `Hello, could we have two more towels in room ${100 + (n % 400)}? Thanks!`,
      FromCountry: 'PT',
      To: channel.number,
      ToZip: '94105',
      NumSegments: '1',
      MessageSid: sid,
      AccountSid: accountSid,
      From: GUEST,
      ApiVersion: '2010-04-01',
    };
    return {
      sid,
      body: new URLSearchParams(params).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(channel.authToken, url, params),
      },
    };
  };
}

/** Closed loop, as fast as the api answers (autocannon, `CONNECTIONS` keep-alive connections). */
async function fullSpeed(base: string, next: Signer, seconds: number, title: string): Promise<Phase> {
  console.log(`${title}: ${CONNECTIONS} connections for ${seconds} s …`);
  let otherBodies = 0;
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: PATH,
        // autocannon builds each request just before sending it and hands the response back with
        // the same per-connection context (one request in flight per connection).
        setupRequest: (req, context: { sid?: string }) => {
          const webhook = next();
          context.sid = webhook.sid;
          return { ...req, body: webhook.body, headers: webhook.headers };
        },
        onResponse: (status, body, context: { sid?: string }) => {
          if (status !== 200) return;
          if (body === EMPTY_TWIML && context.sid) acked.add(context.sid);
          else otherBodies += 1;
        },
      },
    ],
  });
  return {
    seconds: result.duration,
    sent: result.requests.sent,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    mismatches: otherBodies,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
  };
}

/**
 * Open loop at a steady rate: request i is due at i/rate seconds, whatever happened to the ones
 * before it, and its latency counts from when it was due (a slow answer delays no later request,
 * so none escapes measurement). autocannon's overallRate would instead send every connection's
 * quota back to back at the start of each second.
 */
async function paced(
  port: number,
  next: Signer,
  rate: number,
  seconds: number,
): Promise<Phase & { lagMs: number }> {
  console.log(`half rate: ${fmt(rate)} requests/s, evenly spaced, for ${seconds} s …`);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const total = rate * seconds;
  const latencies: number[] = [];
  const phase = { sent: 0, ok: 0, non2xx: 0, errors: 0, mismatches: 0 };
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const started = performance.now();
  await new Promise<void>((resolve) => {
    let answered = 0;
    const settle = () => {
      answered += 1;
      if (answered === total) resolve();
    };
    const fire = (due: number) => {
      const webhook = next();
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port,
          path: PATH,
          method: 'POST',
          headers: webhook.headers,
          timeout: 10_000,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => {
            latencies.push(performance.now() - due);
            if (res.statusCode !== 200) phase.non2xx += 1;
            else if (body !== EMPTY_TWIML) phase.mismatches += 1;
            else {
              phase.ok += 1;
              acked.add(webhook.sid);
            }
            settle();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        phase.errors += 1;
        settle();
      });
      req.end(webhook.body);
    };
    const tick = () => {
      const now = performance.now();
      while (phase.sent < total && started + (phase.sent * 1000) / rate <= now) {
        fire(started + (phase.sent * 1000) / rate);
        phase.sent += 1;
      }
      if (phase.sent < total)
        setTimeout(tick, Math.max(0, started + (phase.sent * 1000) / rate - performance.now()));
    };
    tick();
  });
  const elapsed = (performance.now() - started) / 1000;
  lag.disable();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.max(0, Math.ceil(q * latencies.length) - 1)] ?? NaN;
  return { seconds: elapsed, ...phase, p50: at(0.5), p99: at(0.99), max: at(1), lagMs: lag.max / 1e6 };
}

/**
 * Compares the stored messages (and their outbox jobs) with the acknowledged MessageSids. Requests
 * the load generator dropped when it stopped may still commit: those are stored, not acknowledged.
 */
async function checkRows(admin: Client, propertyId: string) {
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // let abandoned requests finish
  const { rows } = await admin.query<{ sid: string; n: number }>(
    `select channel_message_id as sid, count(*)::int as n from conversation.messages
      where property_id = $1 and channel_message_id like 'SM%' group by 1`,
    [propertyId],
  );
  const jobs = await admin.query<{ n: number }>(
    `select count(*)::int as n from platform.outbox
      where property_id = $1 and job_name = 'conversation.inbound-message'`,
    [propertyId],
  );
  const stored = new Set(rows.map((r) => r.sid));
  let lost = 0;
  for (const sid of acked) if (!stored.has(sid)) lost += 1;
  return {
    accepted: acked.size,
    rows: rows.reduce((sum, r) => sum + r.n, 0),
    jobs: jobs.rows[0].n,
    lost,
    duplicates: rows.reduce((sum, r) => sum + r.n - 1, 0),
    unacked: rows.filter((r) => !acked.has(r.sid)).length,
  };
}

async function pgbenchRows(admin: Client): Promise<number> {
  const res = await admin.query<{ n: number }>(
    "select count(*)::int as n from conversation.messages where channel_message_id like 'PG%'",
  );
  return res.rows[0].n;
}

/** What pgbench runs per transaction: the statements the api sends per webhook, and the classic form. */
const CEILING_SCRIPTS = {
  /** One statement, as the api stores a routed message now (conversation.receive_inbound). */
  statement: `select routed, id from conversation.receive_inbound('twilio_sms', :num, :acct, :ver, '${GUEST}',
       'Hello, could we have two more towels in room 123? Thanks!', 'text', '[]', 'PG' || md5(random()::text), null,
       'inbound-processing', 'conversation.inbound-message');
`,
  /** The same inserts as an explicit transaction (set the property, message, outbox job). */
  transaction: `begin;
select set_config('app.property_id', :pid, true), set_config('app.user_id', '', true);
insert into conversation.messages (property_id, channel_account_id, direction, sender_type, sender_address,
       content, content_type, media, channel_message_id, received_at)
  values (:pid, :acct, 'inbound', 'guest', '${GUEST}',
       'Hello, could we have two more towels in room 123? Thanks!', 'text', '[]', 'PG' || md5(random()::text), now())
  on conflict (property_id, channel_account_id, channel_message_id) where channel_message_id is not null
  do nothing returning id \\gset
insert into platform.outbox (property_id, queue, job_name, payload)
  values (:pid, 'inbound-processing', 'conversation.inbound-message',
       jsonb_build_object('messageId', :id::text, 'propertyId', :pid::text)) returning id;
commit;
`,
};

/**
 * The ceiling of storing a message and its outbox job, as the app role, by pgbench with the
 * extended protocol the driver uses: `statement` is exactly what the api sends per routed webhook
 * (one round trip); `transaction` the same inserts as five statements. The api additionally
 * parses, checks the signature and answers over HTTP.
 */
function pgbenchCeiling(
  appUrl: string,
  vars: { propertyId: string; accountId: string; number: string; version: number },
  form: keyof typeof CEILING_SCRIPTS,
  seconds: number,
) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  const clients = 2 * cpus().length;
  try {
    const script = join(dir, 'ingest.sql');
    writeFileSync(script, CEILING_SCRIPTS[form]);
    const args = [
      '-n',
      '-M',
      'extended',
      '-f',
      script,
      '-c',
      String(clients),
      '-j',
      String(Math.min(2, clients)),
      '-T',
      String(seconds),
      '-D',
      `pid=${vars.propertyId}`,
      '-D',
      `acct=${vars.accountId}`,
      '-D',
      `num=${vars.number}`,
      '-D',
      `ver=${vars.version}`,
      appUrl,
    ];
    console.log(`pgbench (${form}): ${clients} clients for ${seconds} s …`);
    const out = execFileSync('pgbench', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1] ?? NaN);
    const failed = Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0);
    if (!Number.isFinite(tps)) throw new Error(`pgbench printed no tps:\n${out}`);
    return { tps, failed, clients };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface CpuTicks {
  at: number;
  busy: number;
  api: number;
  postgres: number;
  self: number;
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU time (clock ticks) of a process, with its reaped children's when asked. */
function ticks(pid: number | 'self', children: boolean): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ')
    .map(Number);
  return fields[11] + fields[12] + (children ? fields[13] + fields[14] : 0);
}

/**
 * The machine's busy time and that of the api, of every PostgreSQL process (backends are reaped
 * into the postmaster's children time) and of this process (with pgbench once it has exited).
 */
function cpuSample(api: ChildProcess): CpuTicks {
  const [user, nice, system] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .split(/\s+/)
    .slice(1)
    .map(Number);
  let postgres = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres')
        postgres += ticks(Number(pid), true);
    } catch {
      /* gone meanwhile */
    }
  }
  return {
    at: performance.now(),
    busy: user + nice + system,
    api: ticks(api.pid!, false),
    postgres,
    self: ticks('self', true),
  };
}

/** Average cores used since `from` by the api, PostgreSQL, this process and everything else. */
function cpuSince(from: CpuTicks, api: ChildProcess) {
  const to = cpuSample(api);
  const seconds = (to.at - from.at) / 1000;
  const cores = (key: 'busy' | 'api' | 'postgres' | 'self') => (to[key] - from[key]) / CLK_TCK / seconds;
  const [busy, a, postgres, self] = [cores('busy'), cores('api'), cores('postgres'), cores('self')];
  return { seconds, api: a, postgres, self, other: Math.max(0, busy - a - postgres - self) };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
