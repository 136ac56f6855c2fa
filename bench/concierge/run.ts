/**
 * bench/concierge: guests text the hotel (signed Twilio SMS webhooks to the real api), the worker
 * (its own process) runs each message through the concierge with the builtin engine, and its
 * reply goes to Twilio's API, here a fake Twilio served by this process. Messages are sent open
 * loop at a fixed rate (message i is due at i/rate s whatever happened to the ones before); each
 * one's latency runs from when it was due to when the fake Twilio received its reply. Every guest
 * number texts once, so each reply is matched to its message by its `To`.
 *
 *   npm run bench:concierge
 *
 * BENCH_RATE messages/s (default 100); BENCH_SECONDS of load (default 30); BENCH_WARM_SECONDS of
 * warm-up at a quarter of the rate, not measured (default 20: the processes have just started, and
 * V8 is still optimizing their code through the first few hundred messages; see
 * bench/README.md); BENCH_DRAIN_SECONDS: after the load,
 * how long to go on waiting once no reply comes (default 30); BENCH_TWILIO_RATE sends/s per
 * Twilio number (TWILIO_SEND_RATE_PER_SECOND, default 1000: a short code's or messaging
 * service's throughput, so that a long code's 1/s does not decide the figure). Harness knobs:
 * BENCH_SKIP_BUILD=1, BENCH_NODE_ARGS, BENCH_LOG_LEVEL, BENCH_PROFILE=<dir>, BENCH_KEEP_DB=1,
 * BENCH_KEEP_LOGS=1, BENCH_TIMELINE_SECONDS (the timeline's step, default 5). The processes' own
 * settings (WORKER_CONCURRENCY, DATABASE_POOL_SIZE…) pass through from the environment.
 */
import 'reflect-metadata';

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

import { twilioSignature } from '@app/conversation';
import { withDatabase } from '@app/db/scripts/provisioning';
import { AppConfig, QueueName } from '@app/platform';
import { type FakeTwilio, startFakeTwilio } from '@app/testing';
import { Queue } from 'bullmq';
import { isValidPhoneNumber } from 'libphonenumber-js';
import { DateTime } from 'luxon';
import { Client } from 'pg';

import {
  apiNodeArgs,
  type BenchApi,
  createTwilioChannel,
  env,
  fmt,
  redisUrl,
  signup,
  startBenchApi,
  type TwilioChannel,
  workerCount,
} from '../lib/api-process';
import { cpuBetween, cpuSample, type CpuSource } from '../lib/cpu';
import { describeSpeed, machineSpeed } from '../lib/machine';
import { GUEST_TEXTS, type GuestText, KNOWLEDGE } from './messages';

const RATE = Number(env.BENCH_RATE ?? 100);
const SECONDS = Number(env.BENCH_SECONDS ?? 30);
const WARM_SECONDS = Number(env.BENCH_WARM_SECONDS ?? 20);
const DRAIN_SECONDS = Number(env.BENCH_DRAIN_SECONDS ?? 30);
const TIMELINE_SECONDS = Math.max(1, Number(env.BENCH_TIMELINE_SECONDS ?? 5));
const TWILIO_RATE = env.BENCH_TWILIO_RATE ?? '1000';
const DATABASE = 'butler_bench_concierge';
const AIMS = { rate: 100, p50Ms: 150, p99Ms: 500 };
const PATH = '/webhooks/twilio/messages';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt'];
const TIMEZONE = 'Europe/Lisbon';
/** Queues a guest message passes through (maintenance holds the daily schedules, always delayed). */
const WORK_QUEUES = [
  QueueName.InboundProcessing,
  QueueName.OutboundMessages,
  QueueName.Automations,
  QueueName.Embeddings,
];

/** One guest's one message, and what became of it (times in ms since the epoch). */
interface GuestMessage {
  phase: 'warm' | 'load';
  number: string;
  text: GuestText;
  /** Staying in the hotel (a checked-in reservation, imported from the PMS): requests only come from these. */
  inHouse: boolean;
  due: number;
  acked?: number;
  failure?: string;
  reply?: number;
  replyBody?: string;
  /** Sends to this guest after the first (a long reply split in parts, or a duplicate). */
  extra: number;
  duplicates: number;
}

const byNumber = new Map<string, GuestMessage>();
const unmatched: string[] = [];
const providerRefusals: string[] = [];

async function main(): Promise<void> {
  if (!(RATE > 0 && SECONDS > 0 && RATE * SECONDS >= 1))
    throw new Error('BENCH_RATE and BENCH_SECONDS must make at least one message');
  const fake = await startFakeTwilio();
  const bench = await startBenchApi(DATABASE, {
    publicBaseUrl: true,
    worker: true,
    logs: true,
    env: { TWILIO_API_BASE_URL: fake.url, TWILIO_SEND_RATE_PER_SECOND: TWILIO_RATE },
  });
  const admin = new Client({ connectionString: withDatabase(bench.urls.admin, DATABASE) });
  const queues = WORK_QUEUES.map(
    (name) =>
      new Queue(name, {
        connection: { url: redisUrl() },
        prefix: bench.redisPrefix,
      }),
  );
  const collector = setInterval(() => collect(fake), 10);
  let problems: string[] = [];
  try {
    await admin.connect();
    problems = await run(bench, fake, admin, queues);
  } finally {
    clearInterval(collector);
    await Promise.all(queues.map((q) => q.close()));
    await admin.end().catch(() => undefined);
    await bench.stop();
    await fake.close();
  }
  if (problems.length > 0) throw new Error(`the figures are void: ${problems.join('; ')}`);
}

async function run(bench: BenchApi, fake: FakeTwilio, admin: Client, queues: Queue[]): Promise<string[]> {
  const { base } = bench;
  const { propertyId, channel, warm, load } = await setUpHotel(base, fake);
  await waitIdle(admin, queues, 120_000);
  console.log(`machine speed: ${describeSpeed(await machineSpeed(admin))}`);
  console.log(
    `${cpus().length} cores; api and ${workerCount()} worker${workerCount() > 1 ? 's' : ''} ${apiNodeArgs()}, LOG_LEVEL ${env.BENCH_LOG_LEVEL ?? 'warn'}, ` +
      `WORKER_CONCURRENCY ${env.WORKER_CONCURRENCY ?? new AppConfig().WORKER_CONCURRENCY}, ` +
      `TWILIO_SEND_RATE_PER_SECOND ${TWILIO_RATE}; ${KNOWLEDGE.length} knowledge entries, ` +
      `${[...warm, ...load].filter((m) => m.inHouse).length} guests in house`,
  );

  if (warm.length > 0) {
    const warmRate = Math.max(1, RATE / 4);
    console.log(`warm-up: ${fmt(warmRate)} messages/s for ${WARM_SECONDS} s …`);
    await send(base, channel, warm, warmRate);
    await waitReplies(warm, DRAIN_SECONDS);
    await waitIdle(admin, queues, 120_000);
  }
  // Planner statistics, as autovacuum keeps them on a database in use: this one is minutes old,
  // and plans cached for tables never analyzed assume them empty (a sequential scan of the outbox
  // per relay round, as it grows through the run).
  await admin.query('analyze');

  const sources: Record<string, CpuSource> = {
    api: { pid: bench.process.pid! },
    worker: { pids: bench.workers.map((w) => w.pid!) },
    postgres: { comm: 'postgres' },
    redis: { comm: 'redis-server' },
    bench: 'self',
  };
  const monitor = startMonitor(admin, queues, propertyId);
  console.log(`load: ${fmt(RATE)} messages/s for ${SECONDS} s, open loop …`);
  const commitsFrom = await commits(admin);
  const cpuFrom = cpuSample(sources);
  const sending = await send(base, channel, load, RATE);
  const cpu = cpuBetween(cpuFrom, cpuSample(sources));
  const backlogAtEnd = load.filter((m) => m.acked !== undefined && m.reply === undefined).length;
  console.log(
    `waiting for the last replies (${backlogAtEnd} outstanding; giving up after ${DRAIN_SECONDS} s without one) …`,
  );
  const drained = await waitReplies(load, DRAIN_SECONDS);
  const cpuAll = cpuBetween(cpuFrom, cpuSample(sources));
  const peaks = await monitor.stop();
  await sleep(1000); // a late duplicate would show now, and PostgreSQL has flushed its statistics
  const perMessage = ((await commits(admin)) - commitsFrom) / load.length;

  const stages = await stageTimes(admin, propertyId);
  const outcomes = await outcomeCounts(admin, propertyId, load);
  const jobs = await jobTimes(admin, queues, propertyId, load);
  const lost = await lostMessages(admin, propertyId, load);
  const logs = logSummary(bench);
  const speedAfter = await machineSpeed(admin);
  report({
    load,
    sending,
    drained,
    backlogAtEnd,
    cpu,
    cpuAll,
    peaks,
    stages,
    outcomes,
    jobs,
    lost,
    logs,
    perMessage,
  });
  console.log(`machine speed after the run: ${describeSpeed(speedAfter)}`);
  return problemsOf(load, warm, lost, logs);
}

/**
 * A property with its Twilio number (known to the fake), settings and knowledge, the messages of
 * both phases planned and the guests who send requests checked in.
 */
async function setUpHotel(base: string, fake: FakeTwilio) {
  const { token, propertyId } = await signup(base);
  const channel = await createTwilioChannel(base, token, propertyId);
  fake.allow(channel.accountSid, channel.authToken);
  await configure(base, token, propertyId);
  await seedKnowledge(base, token, propertyId);
  const warm = plan('warm', Math.round((RATE / 4) * WARM_SECONDS), 0);
  const load = plan('load', Math.round(RATE * SECONDS), warm.length);
  await importGuests(base, token, propertyId, [...warm, ...load]);
  return { propertyId, channel, warm, load };
}

/** Every language the mix writes in, and the AI concierge on (the default, said explicitly). */
async function configure(base: string, token: string, propertyId: string): Promise<void> {
  const res = await fetch(`${base}/api/v1/properties/${propertyId}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      settings: { supportedLanguages: LANGUAGES, features: { aiConcierge: true }, country: 'PT' },
    }),
  });
  if (res.status !== 200) throw new Error(`property settings: ${res.status} ${await res.text()}`);
}

/** The knowledge through its API; the worker embeds each entry (builtin model) in the background. */
async function seedKnowledge(base: string, token: string, propertyId: string): Promise<void> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  for (const entry of KNOWLEDGE) {
    const res = await fetch(`${base}/api/v1/properties/${propertyId}/knowledge`, {
      method: 'POST',
      headers,
      body: JSON.stringify(entry),
    });
    if (res.status !== 201) throw new Error(`knowledge: ${res.status} ${await res.text()}`);
  }
  for (let i = 0; i < 240; i++) {
    const res = await fetch(`${base}/api/v1/properties/${propertyId}/knowledge?limit=100`, { headers });
    const page = (await res.json()) as { items: { embeddedModel: string | null }[] };
    if (page.items.length === KNOWLEDGE.length && page.items.every((e) => e.embeddedModel)) return;
    await sleep(250);
  }
  throw new Error('the worker did not embed the knowledge within 60 s');
}

/** The guests staying in the hotel, as a PMS export: checked in yesterday, leaving in three days. */
async function importGuests(
  base: string,
  token: string,
  propertyId: string,
  messages: GuestMessage[],
): Promise<void> {
  const today = DateTime.now().setZone(TIMEZONE);
  const [arrival, departure] = [today.minus({ days: 1 }), today.plus({ days: 3 })].map((d) => d.toISODate()!);
  const guests = messages.filter((m) => m.inHouse);
  for (let from = 0; from < guests.length; from += 50_000) {
    const lines = [
      'reservation_id,confirmation_number,guest_id,first_name,last_name,email,phone,room_number,room_type,' +
        'arrival_date,departure_date,status,rate_code,total_rate,special_requests,updated_at',
    ];
    for (const [k, g] of guests.slice(from, from + 50_000).entries()) {
      const n = from + k;
      lines.push(
        `R${n},C${n},G${n},Guest,Number ${n},guest${n}@example.com,${g.number},${100 + (n % 400)},` +
          `Deluxe Double,${arrival},${departure},checked_in,BAR,480.00,,${new Date().toISOString()}`,
      );
    }
    const form = new FormData();
    form.append('file', new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }), 'in-house.csv');
    const res = await fetch(`${base}/api/v1/properties/${propertyId}/pms/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const body = (await res.json()) as { created?: number };
    if (res.status !== 200 || body.created !== lines.length - 1)
      throw new Error(`PMS import: ${res.status} ${JSON.stringify(body)}`);
  }
}

/** Seeded, so that every run sends the same messages in the same order. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(20261122);

/** Mobile numbers of the guest's country, one per message (`i` makes each unique). */
const NUMBER_PREFIX: Record<GuestText['language'], [string, number]> = {
  en: ['+14152', 6],
  es: ['+346', 8],
  fr: ['+336', 8],
  de: ['+49151', 8],
  it: ['+39347', 7],
  pt: ['+35191', 7],
};

function plan(phase: GuestMessage['phase'], count: number, offset: number): GuestMessage[] {
  const out: GuestMessage[] = [];
  for (let k = 0; k < count; k++) {
    const text = GUEST_TEXTS[Math.floor(random() * GUEST_TEXTS.length)];
    const [prefix, digits] = NUMBER_PREFIX[text.language];
    const number = `${prefix}${String(offset + k).padStart(digits, '0')}`;
    if (String(offset + k).length > digits || !isValidPhoneNumber(number))
      throw new Error(`${number} is not a valid phone number: too many messages`);
    const m: GuestMessage = {
      phase,
      number,
      text,
      inHouse: text.kind === 'request' || random() < 0.5,
      due: 0,
      extra: 0,
      duplicates: 0,
    };
    byNumber.set(number, m);
    out.push(m);
  }
  return out;
}

/** Matches the fake Twilio's new sends to guests by `To`. */
let seen = 0;
function collect(fake: FakeTwilio): void {
  for (; seen < fake.sends.length; seen++) {
    const s = fake.sends[seen];
    if (s.status >= 300) {
      providerRefusals.push(`${s.status} to ${s.params.To}`);
      continue;
    }
    const m = byNumber.get(s.params.To);
    if (!m) unmatched.push(s.params.To);
    else if (m.reply === undefined) {
      m.reply = s.at;
      m.replyBody = s.params.Body;
    } else {
      m.extra += 1;
      if (s.params.Body === m.replyBody) m.duplicates += 1;
    }
  }
}

/** A guest's SMS as Twilio posts it (the fields of a real incoming-message webhook), signed. */
function webhook(base: string, channel: TwilioChannel, m: GuestMessage) {
  const sid = `SM${randomBytes(16).toString('hex')}`;
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
    Body: m.text.text,
    FromCountry: m.text.language.toUpperCase(),
    To: channel.number,
    ToZip: '94105',
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: channel.accountSid,
    From: m.number,
    ApiVersion: '2010-04-01',
  };
  return {
    body: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(channel.authToken, `${base}${PATH}`, params),
    },
  };
}

/**
 * Open loop: message i is due at i/rate s from the start and is sent then, however far behind the
 * api or the worker are. Resolves once every webhook was answered (or failed).
 */
async function send(
  base: string,
  channel: TwilioChannel,
  messages: GuestMessage[],
  rate: number,
): Promise<{ seconds: number; lagMs: number }> {
  const { port } = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const started = performance.now();
  const epoch = Date.now() - started;
  let sent = 0;
  await new Promise<void>((resolve) => {
    let answered = 0;
    const settle = () => (++answered === messages.length ? resolve() : undefined);
    const fire = (m: GuestMessage) => {
      const w = webhook(base, channel, m);
      const req = request(
        { agent, host: '127.0.0.1', port, path: PATH, method: 'POST', headers: w.headers, timeout: 30_000 },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => {
            if (res.statusCode === 200 && body === EMPTY_TWIML) m.acked = Date.now();
            else m.failure = `${res.statusCode}: ${body.slice(0, 200)}`;
            settle();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => {
        m.failure = err.message;
        settle();
      });
      req.end(w.body);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < messages.length && started + (sent * 1000) / rate <= now) {
        const m = messages[sent];
        m.due = epoch + started + (sent * 1000) / rate;
        fire(m);
        sent += 1;
      }
      if (sent < messages.length)
        setTimeout(tick, Math.max(0, started + (sent * 1000) / rate - performance.now()));
    };
    if (messages.length === 0) resolve();
    else tick();
  });
  lag.disable();
  agent.destroy();
  return { seconds: (performance.now() - started) / 1000, lagMs: lag.max / 1e6 };
}

/**
 * Waits until every acknowledged message has its reply, or no reply came for `idleSeconds` (a
 * backlog still draining is waited for: its messages are late, not lost). Returns how many are missing.
 */
async function waitReplies(messages: GuestMessage[], idleSeconds: number): Promise<number> {
  const waiting = () => messages.filter((m) => m.acked !== undefined && m.reply === undefined).length;
  let left = waiting();
  let progressAt = Date.now();
  while (left > 0 && Date.now() - progressAt < idleSeconds * 1000) {
    await sleep(50);
    const now = waiting();
    if (now < left) progressAt = Date.now();
    left = now;
  }
  return left;
}

/** No outbox row pending and no job waiting, running or delayed in the queues a message uses. */
async function waitIdle(admin: Client, queues: Queue[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const pending = await admin.query<{ n: number }>(
      "select count(*)::int as n from platform.outbox where status = 'pending'",
    );
    const counts = await Promise.all(
      queues.map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')),
    );
    const jobs = counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
    if (pending.rows[0].n === 0 && jobs === 0) return;
    await sleep(200);
  }
  throw new Error(`the worker was still busy after ${timeoutMs / 1000} s`);
}

interface Peaks {
  outbox: number;
  queued: Record<string, number>;
}

/** Once a second: pending outbox rows and jobs waiting or running per queue; keeps the peaks. */
function startMonitor(admin: Client, queues: Queue[], propertyId: string): { stop(): Promise<Peaks> } {
  const peaks: Peaks = { outbox: 0, queued: Object.fromEntries(queues.map((q) => [q.name, 0])) };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const pending = await admin.query<{ n: number }>(
        "select count(*)::int as n from platform.outbox where property_id = $1 and status = 'pending'",
        [propertyId],
      );
      peaks.outbox = Math.max(peaks.outbox, pending.rows[0].n);
      for (const q of queues) {
        const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        const n = c.waiting + c.active + c.delayed + c.prioritized;
        peaks.queued[q.name] = Math.max(peaks.queued[q.name], n);
      }
      await sleep(1000);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return peaks;
    },
  };
}

const STAGES = [
  'webhook due → stored',
  'stored → inbound job',
  'inbound job → reply written',
  // The send's delivery is claimed in the reply's own transaction (where the worker runs it), so
  // the send starts with the reply's commit: one stage, from the reply's row to the provider call.
  'reply written → provider called',
] as const;

/**
 * Where each message's time went, from the rows' timestamps (`now()` is when a job's transaction
 * began; the reply's `created_at` is the moment it was written): the outbox relay and the queue
 * wait sit between two jobs.
 */
async function stageTimes(admin: Client, propertyId: string) {
  const { rows } = await admin.query<{
    guest: string;
    stored: number;
    attached: number | null;
    written: number | null;
    latencies: Record<string, number> | null;
  }>(
    `select m.sender_address as guest, t.latencies, extract(epoch from m.created_at) * 1000 as stored,
            extract(epoch from m.processed_at) * 1000 as attached,
            extract(epoch from r.created_at) * 1000 as written
       from conversation.messages m
       left join concierge.decision_traces t on t.property_id = m.property_id and t.message_id = m.id
       left join conversation.messages r on r.property_id = t.property_id and r.id = t.reply_message_id
      where m.property_id = $1 and m.direction = 'inbound'`,
    [propertyId],
  );
  const spans: number[][] = STAGES.map(() => []);
  const steps = new Map<string, number[]>();
  for (const r of rows) {
    const m = byNumber.get(r.guest);
    if (!m || m.phase !== 'load' || m.reply === undefined || r.written === null) continue;
    const marks = [m.due, r.stored, r.attached!, r.written, m.reply].map(Number);
    for (let s = 0; s < STAGES.length; s++) spans[s].push(marks[s + 1] - marks[s]);
    for (const [step, value] of Object.entries(r.latencies ?? {}))
      steps.set(step, [...(steps.get(step) ?? []), value]);
  }
  return {
    stages: STAGES.map((name, s) => ({ name, ...summary(spans[s]) })),
    /** The pipeline's own timings of its steps (decision trace `latencies`). */
    pipeline: [...steps.entries()].map(([step, values]) => ({ step, ...summary(values) })),
  };
}

/** What the concierge decided for the load's messages (decision traces), by outcome and rule. */
async function outcomeCounts(admin: Client, propertyId: string, load: GuestMessage[]) {
  const { rows } = await admin.query<{ guest: string; outcome: string; rule: string; intent: string }>(
    `select m.sender_address as guest, t.outcome, t.rule, t.intent
       from concierge.decision_traces t
       join conversation.messages m on m.property_id = t.property_id and m.id = t.message_id
      where t.property_id = $1`,
    [propertyId],
  );
  const numbers = new Set(load.map((m) => m.number));
  const counts = new Map<string, number>();
  for (const r of rows) {
    if (!numbers.has(r.guest)) continue;
    const key = `${r.outcome} (${r.rule})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

/**
 * Per job name, for the load's jobs: how long its outbox row waited for the relay (from the
 * writing transaction's start), then in the queue (BullMQ's added → processed), then ran.
 */
async function jobTimes(admin: Client, queues: Queue[], propertyId: string, load: GuestMessage[]) {
  const since = Math.min(...load.map((m) => m.due));
  const { rows } = await admin.query<{ job: string; ms: number }>(
    `select job_name as job, (extract(epoch from published_at - created_at) * 1000)::float8 as ms
       from platform.outbox where property_id = $1 and created_at >= $2 and published_at is not null`,
    [propertyId, new Date(since)],
  );
  const jobs = new Map<string, { relay: number[]; wait: number[]; run: number[]; failed: number }>();
  const of = (name: string) => {
    if (!jobs.has(name)) jobs.set(name, { relay: [], wait: [], run: [], failed: 0 });
    return jobs.get(name)!;
  };
  for (const r of rows) of(r.job).relay.push(r.ms);
  for (const q of queues) {
    for (const j of await q.getJobs(['completed', 'failed'], 0, -1)) {
      if (j.timestamp < since || !j.processedOn || !j.finishedOn) continue;
      const t = of(j.name);
      t.wait.push(j.processedOn - j.timestamp);
      t.run.push(j.finishedOn - j.processedOn);
      if (j.failedReason) t.failed += 1;
    }
  }
  return [...jobs.entries()]
    .map(([job, t]) => ({
      job,
      relay: summary(t.relay),
      wait: summary(t.wait),
      run: summary(t.run),
      failed: t.failed,
    }))
    .sort((a, b) => b.run.n - a.run.n);
}

/** For messages acknowledged but never answered: how far each got. */
async function lostMessages(admin: Client, propertyId: string, load: GuestMessage[]) {
  const lost = load.filter((m) => m.acked !== undefined && m.reply === undefined).map((m) => m.number);
  if (lost.length === 0) return [];
  const { rows } = await admin.query<{ state: string; n: number }>(
    `select case when m.id is null then 'not stored'
                 when m.processed_at is null then 'not attached to a conversation'
                 when t.id is null then 'no decision trace'
                 when t.reply_message_id is null then 'decided without a reply: ' || t.outcome || ' (' || t.rule || ')'
                 else 'reply ' || coalesce(r.delivery_status, '?') || coalesce(': ' || r.delivery_error, '') end as state,
            count(*)::int as n
       from unnest($2::text[]) as g(guest)
       left join conversation.messages m on m.property_id = $1 and m.direction = 'inbound' and m.sender_address = g.guest
       left join concierge.decision_traces t on t.property_id = m.property_id and t.message_id = m.id
       left join conversation.messages r on r.property_id = t.property_id and r.id = t.reply_message_id
      group by 1 order by 2 desc`,
    [propertyId, lost],
  );
  return rows;
}

/** Transactions committed in the bench's database so far (PostgreSQL's statistics). */
async function commits(admin: Client): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(
    'select xact_commit as n from pg_stat_database where datname = current_database()',
  );
  return Number(rows[0].n);
}

/** Warnings and errors the api and worker logged (pino JSON lines, level ≥ 40). */
function logSummary(bench: BenchApi) {
  const out: Record<string, { warn: number; error: number; samples: string[] }> = {};
  for (const [name, file] of Object.entries(bench.logs)) {
    const s = { warn: 0, error: 0, samples: [] as string[] };
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { level?: number; msg?: string; context?: string };
      if ((entry.level ?? 0) < 40) continue;
      if (entry.level! >= 50) s.error += 1;
      else s.warn += 1;
      const text = `${entry.context ? `${entry.context}: ` : ''}${entry.msg ?? line}`.slice(0, 240);
      if (s.samples.length < 5 && !s.samples.includes(text)) s.samples.push(text);
    }
    out[name] = s;
  }
  return out;
}

function summary(values: number[]) {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number) => v[Math.max(0, Math.ceil(q * v.length) - 1)] ?? NaN;
  return { n: v.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

interface Results {
  load: GuestMessage[];
  sending: { seconds: number; lagMs: number };
  drained: number;
  backlogAtEnd: number;
  /** While the load was sent, and until its last reply (for the cost per message). */
  cpu: ReturnType<typeof cpuBetween>;
  cpuAll: ReturnType<typeof cpuBetween>;
  peaks: Peaks;
  stages: Awaited<ReturnType<typeof stageTimes>>;
  outcomes: [string, number][];
  jobs: Awaited<ReturnType<typeof jobTimes>>;
  lost: { state: string; n: number }[];
  logs: ReturnType<typeof logSummary>;
  /** Transactions committed in the database per message sent (api, worker, relay). */
  perMessage: number;
}

const ms = (x: number) => `${fmt(x, x < 100 ? 1 : 0)} ms`;
const line = (s: ReturnType<typeof summary>) =>
  `p50 ${ms(s.p50)}   p90 ${ms(s.p90)}   p99 ${ms(s.p99)}   max ${ms(s.max)}`;
const pair = (x: ReturnType<typeof summary>) => `${ms(x.p50).padStart(9)} / ${ms(x.p99).padStart(9)}`;

/** End-to-end latency and the rate replies went out at, of the load's messages. */
function figures(load: GuestMessage[]) {
  const replied = load.filter((m) => m.reply !== undefined);
  const start = load[0].due;
  // Replies from second 5 (a fifth of shorter runs) to the end of the load: the rate kept up.
  const steadyFrom = start + Math.min(5, SECONDS / 5) * 1000;
  const steadyTo = start + SECONDS * 1000;
  const steady = replied.filter((m) => m.reply! >= steadyFrom && m.reply! < steadyTo).length;
  const lastReply = Math.max(start + 1, ...replied.map((m) => m.reply!));
  return {
    start,
    steadyFromSecond: (steadyFrom - start) / 1000,
    replied,
    e2e: summary(replied.map((m) => m.reply! - m.due)),
    sustained: steady / ((steadyTo - steadyFrom) / 1000),
    toLastReply: replied.length / ((lastReply - start) / 1000),
  };
}

function report(r: Results): void {
  const f = figures(r.load);
  console.log('');
  reportDelivery(r, f);
  console.log('');
  reportTimeline(r.load, f);
  console.log('');
  reportWhere(r);
  reportResources(r);
  console.log('');
  console.log(
    `p50 / aim ${AIMS.p50Ms} ms:            ${fmt(f.e2e.p50 / AIMS.p50Ms, 2)}×` +
      (RATE === AIMS.rate ? '' : `   (aims are set at ${AIMS.rate}/s; this run sent ${fmt(RATE)}/s)`),
  );
  console.log(`p99 / aim ${AIMS.p99Ms} ms:            ${fmt(f.e2e.p99 / AIMS.p99Ms, 2)}×`);
  console.log(`sustained / aim ${AIMS.rate}/s:        ${fmt(f.sustained / AIMS.rate, 2)}×`);
}

function reportDelivery(r: Results, f: ReturnType<typeof figures>): void {
  const { load } = r;
  const acked = load.filter((m) => m.acked !== undefined);
  console.log(
    `sent           ${fmt(load.length)} messages at ${fmt(RATE)}/s over ${fmt(r.sending.seconds, 1)} s ` +
      `(the generator's event loop lagged ≤ ${fmt(r.sending.lagMs)} ms)`,
  );
  console.log(
    `acked          ${fmt(acked.length)} (200 + empty TwiML)   ${line(summary(acked.map((m) => m.acked! - m.due)))}`,
  );
  console.log(
    `replied        ${fmt(f.replied.length)}; lost (acked, never answered) ${r.drained}; ` +
      `${r.backlogAtEnd} still unanswered when the last was sent; ` +
      `extra sends ${sum(load, (m) => m.extra)} (duplicates ${sum(load, (m) => m.duplicates)}), ` +
      `to unknown numbers ${unmatched.length}, refused by the provider ${providerRefusals.length}`,
  );
  console.log(`end to end     ${line(f.e2e)}   (webhook due → Twilio API called)`);
  console.log(
    `throughput     ${fmt(f.sustained, 1)} replies/s sustained (replies between s ${fmt(f.steadyFromSecond)} ` +
      `and ${SECONDS} of the load); ${fmt(f.toLastReply, 1)} replies/s from the first message to the last reply`,
  );
}

/** Every few seconds of the load: a latency that grows from one step to the next is a backlog. */
function reportTimeline(load: GuestMessage[], f: ReturnType<typeof figures>): void {
  const step = TIMELINE_SECONDS;
  console.log(`every ${step} s of the load (by when messages were due):`);
  const within = (t: number, at: number) => at >= f.start + t * 1000 && at < f.start + (t + step) * 1000;
  for (let t = 0; t < SECONDS; t += step) {
    const due = load.filter((m) => within(t, m.due));
    const s = summary(due.filter((m) => m.reply !== undefined).map((m) => m.reply! - m.due));
    const sent = f.replied.filter((m) => within(t, m.reply!)).length;
    console.log(
      `  ${String(t).padStart(3)}–${String(t + step).padEnd(3)} s  ${String(due.length).padStart(5)} due, ` +
        `${String(sent).padStart(5)} replies sent   p50 ${ms(s.p50)}   p99 ${ms(s.p99)}`,
    );
  }
}

function reportWhere(r: Results): void {
  console.log('where the time went (p50 / p99 per stage, messages answered):');
  for (const s of r.stages.stages) console.log(`  ${s.name.padEnd(32)} ${pair(s)}   (${s.n})`);
  console.log(
    '  the concierge job by its trace:  ' +
      r.stages.pipeline.map((x) => `${x.step} ${fmt(x.p50, 1)} / ${fmt(x.p99, 1)}`).join(', ') +
      ' ms',
  );
  console.log('jobs (p50 / p99): outbox row → relayed, queued → started, run time:');
  for (const x of r.jobs)
    console.log(
      `  ${x.job.padEnd(30)} ${pair(x.relay)}   ${pair(x.wait)}   ${pair(x.run)}   (${x.run.n}` +
        `${x.failed ? `, ${x.failed} failed` : ''})`,
    );
  console.log(
    `peaks          outbox rows pending ${r.peaks.outbox}; jobs waiting or running: ` +
      Object.entries(r.peaks.queued)
        .map(([q, n]) => `${q} ${n}`)
        .join(', '),
  );
  console.log(`database       ${fmt(r.perMessage, 1)} transactions committed per message`);
  console.log('decisions      ' + r.outcomes.map(([k, n]) => `${k} ${n}`).join(', '));
  for (const x of r.lost) console.log(`lost           ${x.n}: ${x.state}`);
}

function reportResources(r: Results): void {
  const c = r.cpu;
  console.log(
    `CPU, cores     api ${fmt(c.cores.api, 2)}, worker ${fmt(c.cores.worker, 2)}, postgres ${fmt(c.cores.postgres, 2)}, ` +
      `redis ${fmt(c.cores.redis, 2)}, this process ${fmt(c.cores.bench, 2)} (load generator, fake Twilio), ` +
      `other ${fmt(c.other, 2)} (while the load was sent)`,
  );
  const per = (name: string) => fmt((r.cpuAll.cores[name] * r.cpuAll.seconds * 1000) / r.load.length, 1);
  console.log(
    `CPU, ms/msg    api ${per('api')}, worker ${per('worker')}, postgres ${per('postgres')}, redis ${per('redis')} ` +
      `(from the first message to the last reply, ${fmt(r.cpuAll.seconds, 1)} s; other ${fmt(r.cpuAll.other, 2)} cores)`,
  );
  const other = Math.max(c.other, r.cpuAll.other);
  if (other > 0.15)
    console.log(
      `warning: other processes on this machine used ${fmt(other, 2)} cores; the figures are disturbed`,
    );
  for (const [name, s] of Object.entries(r.logs)) {
    console.log(`${name} log     ${s.warn} warnings, ${s.error} errors`);
    for (const x of s.samples) console.log(`    ${x}`);
  }
}

function problemsOf(
  load: GuestMessage[],
  warm: GuestMessage[],
  lost: { state: string; n: number }[],
  logs: ReturnType<typeof logSummary>,
): string[] {
  const problems: string[] = [];
  const all = [...warm, ...load];
  const failed = all.filter((m) => m.failure !== undefined);
  if (failed.length > 0) problems.push(`${failed.length} webhooks failed (first: ${failed[0].failure})`);
  const unanswered = all.filter((m) => m.acked !== undefined && m.reply === undefined).length;
  if (unanswered > 0)
    problems.push(
      `${unanswered} acknowledged messages got no reply (${lost.map((x) => x.state).join(', ')})`,
    );
  const duplicates = sum(all, (m) => m.duplicates);
  if (duplicates > 0) problems.push(`${duplicates} replies were sent twice`);
  if (unmatched.length > 0) problems.push(`${unmatched.length} sends to numbers no guest texted from`);
  if (providerRefusals.length > 0) problems.push(`the fake Twilio refused ${providerRefusals.length} sends`);
  for (const [name, s] of Object.entries(logs))
    if (s.error > 0) problems.push(`the ${name} logged ${s.error} errors`);
  return problems;
}

const sum = (ms: GuestMessage[], f: (m: GuestMessage) => number) => ms.reduce((a, m) => a + f(m), 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
