/**
 * npm run eval: the labeled guest messages of eval/messages.jsonl through the real concierge
 * pipeline with the builtin engine, against a fresh property holding eval/knowledge.json. Each
 * message arrives as a signed SMS from its own in-house guest (one conversation each), goes
 * through the inbound job and the concierge job's pipeline, and is scored from its decision
 * trace: intent accuracy, macro-F1, department and entity accuracy, automation rates and unsafe
 * automations (restricted or emergency messages answered or actioned without staff).
 *
 * EVAL_VERBOSE=1 lists every miss; EVAL_KEEP_DB=1 keeps the database (butler_eval);
 * EVAL_MESSAGES=<file> scores another set labeled the same way (against the same knowledge).
 * Dates in the labels are resolved against Sunday 2026-11-22, which the pipeline is given as today.
 */
import 'reflect-metadata';

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { createApiApp } from '@app/api/bootstrap';
import { ConciergeClock, type IntentId, INTENTS } from '@app/concierge';
import { InboundMessageJob, twilioSignature } from '@app/conversation';
import { migrateUp } from '@app/db/scripts/migrator';
import {
  dropDatabase,
  ensureDatabase,
  ensurePgvector,
  ensureRoles,
  withDatabase,
} from '@app/db/scripts/provisioning';
import { EmbedEntryJob } from '@app/knowledge';
import { loadDatabaseUrls, processEnvironment, setEnvironment } from '@app/platform';
import { Client } from 'pg';

interface Labeled {
  id: string;
  language: string;
  text: string;
  intent: IntentId;
  department: string;
  entities: Record<string, unknown>;
  answerable: boolean;
}
interface Scored extends Labeled {
  got: {
    intent: string;
    confidence: number;
    outcome: string;
    rule: string;
    entities: Record<string, unknown>;
    language: string;
  };
}

const DATABASE = 'butler_eval';
const REFERENCE = new Date('2026-11-22T10:00:00Z');
const PUBLIC_BASE_URL = 'https://eval.butler.example';
const AUTOMATED = new Set(['auto_replied', 'task_created']);
const env = processEnvironment();
const hex = (n: number) => randomBytes(n).toString('hex');

async function main(): Promise<void> {
  const messages = readFileSync(env.EVAL_MESSAGES || join(__dirname, 'messages.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Labeled);
  const knowledge = JSON.parse(readFileSync(join(__dirname, 'knowledge.json'), 'utf8')) as object[];

  const urls = loadDatabaseUrls();
  await ensurePgvector(urls.admin, () => undefined);
  await ensureRoles(urls);
  await dropDatabase(urls.admin, DATABASE);
  await ensureDatabase(urls, DATABASE);
  await migrateUp(withDatabase(urls.owner, DATABASE));
  setEnvironment({
    NODE_ENV: 'development',
    BUTLER_SKIP_DOTENV: 'true',
    DATABASE_URL: withDatabase(urls.app, DATABASE),
    REDIS_PREFIX: `eval-${hex(4)}`,
    JWT_SECRET: randomBytes(48).toString('base64'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    PUBLIC_BASE_URL,
    AI_PROVIDER: 'builtin',
    EMBEDDING_PROVIDER: 'builtin',
  });
  const app = await createApiApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  app.get(ConciergeClock).now = () => REFERENCE;
  const admin = new Client({ connectionString: withDatabase(urls.admin, DATABASE) });
  await admin.connect();
  try {
    const hotel = await setUp(base, app, knowledge);
    const started = Date.now();
    const scored: Scored[] = [];
    for (const [i, m] of messages.entries()) scored.push(await run(base, app, admin, hotel, m, i));
    report(scored, Date.now() - started);
  } finally {
    await admin.end();
    await app.close();
    if (env.EVAL_KEEP_DB !== '1') await dropDatabase(urls.admin, DATABASE);
  }
}

type App = Awaited<ReturnType<typeof createApiApp>>;
interface Hotel {
  token: string;
  propertyId: string;
  number: string;
  authToken: string;
}

async function call<T>(
  base: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Hotel Miramar: signed up through the api, its knowledge written and embedded, an SMS line. */
async function setUp(base: string, app: App, knowledge: object[]): Promise<Hotel> {
  const id = hex(4);
  const res = await fetch(`${base}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      organization: { name: `Miramar group ${id}` },
      property: { name: 'Hotel Miramar', code: `miramar-${id}`, timezone: 'Europe/Madrid' },
      owner: { name: 'Eval owner', email: `eval-${id}@example.com`, password: `pw-${hex(12)}` },
    }),
  });
  const signup = (await res.json()) as { accessToken: string; property: { id: string } };
  const hotel = {
    token: signup.accessToken,
    propertyId: signup.property.id,
    number: phone(),
    authToken: hex(16),
  };
  const p = `/api/v1/properties/${hotel.propertyId}`;
  for (const entry of knowledge) {
    const created = await call<{ id: string }>(base, 'POST', `${p}/knowledge`, hotel.token, entry);
    await app.get(EmbedEntryJob).handle({ propertyId: hotel.propertyId, entryId: created.id });
  }
  await call(base, 'POST', `${p}/channels`, hotel.token, {
    kind: 'twilio_sms',
    name: 'Guest line',
    address: hotel.number,
    credentials: { accountSid: `AC${hex(16)}`, authToken: hotel.authToken },
  });
  return hotel;
}

let sequence = 0;
const phone = () => `+34600${String(100000 + sequence++).padStart(6, '0')}`;

/** One message from its own in-house guest, through webhook, inbound job and pipeline. */
async function run(base: string, app: App, admin: Client, h: Hotel, m: Labeled, i: number): Promise<Scored> {
  const p = `/api/v1/properties/${h.propertyId}`;
  const from = phone();
  const guest = await call<{ id: string }>(base, 'POST', `${p}/guests`, h.token, {
    firstName: 'Eval',
    lastName: m.id,
    phone: from,
  });
  await call(base, 'POST', `${p}/reservations`, h.token, {
    guestId: guest.id,
    confirmationNumber: `EV-${i}`,
    roomNumber: typeof m.entities.room === 'string' ? m.entities.room : String(100 + (i % 400)),
    roomType: 'Deluxe Double',
    arrivalDate: '2026-11-20',
    departureDate: '2026-11-26',
  });
  const path = '/webhooks/twilio/messages';
  const params = {
    MessageSid: `SM${hex(16)}`,
    AccountSid: `AC${hex(16)}`,
    From: from,
    To: h.number,
    Body: m.text,
    NumMedia: '0',
  };
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(h.authToken, `${PUBLIC_BASE_URL}${path}`, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  if (res.status !== 200) throw new Error(`webhook ${m.id}: ${res.status}`);
  const row = await admin.query<{ id: string }>(
    'select id from conversation.messages where channel_message_id = $1',
    [params.MessageSid],
  );
  const messageId = row.rows[0].id;
  // The worker's job: attach the message, then the concierge pipeline.
  await app.get(InboundMessageJob).handle({ propertyId: h.propertyId, messageId });
  const t = await admin.query<Scored['got']>(
    'select intent, confidence::float8 as confidence, outcome, rule, entities, language from concierge.decision_traces where message_id = $1',
    [messageId],
  );
  return { ...m, got: t.rows[0] };
}

function report(scored: Scored[], elapsedMs: number): void {
  const n = scored.length;
  const pct = (x: number, of: number) => (of === 0 ? 'n/a' : `${((100 * x) / of).toFixed(1)}%`);
  const correct = scored.filter((s) => s.got.intent === s.intent).length;
  const departments = scored.filter(
    (s) => INTENTS[s.got.intent as IntentId]?.department === s.department,
  ).length;

  // Macro-F1 over the intents of the labels.
  const labels = [...new Set(scored.map((s) => s.intent))];
  const f1s = labels.map((label) => {
    const tp = scored.filter((s) => s.intent === label && s.got.intent === label).length;
    const fp = scored.filter((s) => s.intent !== label && s.got.intent === label).length;
    const fn = scored.filter((s) => s.intent === label && s.got.intent !== label).length;
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    return {
      label,
      f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
      support: tp + fn,
    };
  });
  const macroF1 = f1s.reduce((a, b) => a + b.f1, 0) / f1s.length;

  // Entities: every labeled field must match; a message is exact when its extracted fields are the labeled ones.
  const fields = ['room', 'items', 'time', 'date', 'people'] as const;
  const perField = fields.map((f) => {
    const labeled = scored.filter((s) => s.entities[f] !== undefined);
    const right = labeled.filter((s) => same(s.entities[f], s.got.entities[f])).length;
    const spurious = scored.filter(
      (s) => s.entities[f] === undefined && s.got.entities[f] !== undefined,
    ).length;
    return { f, labeled: labeled.length, right, spurious };
  });
  const withEntities = scored.filter((s) => Object.keys(s.entities).length > 0);
  const exact = scored.filter((s) => fields.every((f) => same(s.entities[f], s.got.entities[f]))).length;
  const exactLabeled = withEntities.filter((s) =>
    fields.every((f) => same(s.entities[f], s.got.entities[f])),
  ).length;

  const automated = scored.filter((s) => AUTOMATED.has(s.got.outcome));
  const answerable = scored.filter((s) => s.answerable);
  const answerableAutomated = answerable.filter((s) => AUTOMATED.has(s.got.outcome));
  const sensitive = scored.filter((s) => INTENTS[s.intent].restricted || s.intent === 'emergency');
  const unsafe = sensitive.filter((s) => AUTOMATED.has(s.got.outcome));
  const notAnswerableAutomated = scored.filter((s) => !s.answerable && AUTOMATED.has(s.got.outcome));

  const line = (label: string, value: string) => console.log(`${label.padEnd(44)} ${value}`);
  console.log(
    `\nconcierge evaluation: ${n} messages, builtin engine, ${(elapsedMs / n).toFixed(1)} ms per message end to end\n`,
  );
  line('intent accuracy', `${pct(correct, n)} (${correct}/${n})`);
  line('intent macro-F1', `${(100 * macroF1).toFixed(1)}% over ${labels.length} intents`);
  line('department accuracy', `${pct(departments, n)}`);
  line(
    'entity accuracy (messages with entities, exact)',
    `${pct(exactLabeled, withEntities.length)} (${exactLabeled}/${withEntities.length})`,
  );
  line('entity accuracy (all messages, exact)', `${pct(exact, n)}`);
  for (const f of perField)
    line(
      `  ${f.f}`,
      `${pct(f.right, f.labeled)} of ${f.labeled} labeled; ${f.spurious} extracted where none was labeled`,
    );
  line('automation rate (all messages)', `${pct(automated.length, n)}`);
  line(
    'automation rate (answerable share)',
    `${pct(answerableAutomated.length, answerable.length)} (${answerableAutomated.length}/${answerable.length})`,
  );
  line('unsafe automations', `${unsafe.length} of ${sensitive.length} restricted or emergency messages`);
  line('automated though not answerable alone', `${notAnswerableAutomated.length}`);
  console.log('\nby language (intent accuracy):');
  for (const lang of [...new Set(scored.map((s) => s.language))]) {
    const of = scored.filter((s) => s.language === lang);
    line(
      `  ${lang}`,
      `${pct(of.filter((s) => s.got.intent === s.intent).length, of.length)} of ${of.length}`,
    );
  }
  const outcomes = new Map<string, number>();
  for (const s of scored) outcomes.set(s.got.outcome, (outcomes.get(s.got.outcome) ?? 0) + 1);
  console.log(`\noutcomes: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(
    `weakest intents (F1): ${f1s
      .sort((a, b) => a.f1 - b.f1)
      .slice(0, 8)
      .map((x) => `${x.label} ${(100 * x.f1).toFixed(0)}%`)
      .join(', ')}`,
  );
  if (unsafe.length) {
    console.log('\nunsafe automations:');
    for (const s of unsafe)
      console.log(`  ${s.id} ${s.intent} → ${s.got.intent} ${s.got.outcome}: ${s.text}`);
  }
  if (env.EVAL_VERBOSE === '1') {
    console.log('\nmisses:');
    for (const s of scored.filter((x) => x.got.intent !== x.intent))
      console.log(
        `  ${s.id} ${s.intent} → ${s.got.intent} (${s.got.confidence}) [${s.got.language}]: ${s.text}`,
      );
    console.log('\nentity misses:');
    for (const s of scored.filter((x) => !fields.every((f) => same(x.entities[f], x.got.entities[f]))))
      console.log(
        `  ${s.id} want ${JSON.stringify(s.entities)} got ${JSON.stringify(s.got.entities)}: ${s.text}`,
      );
    console.log('\nanswerable but not automated:');
    for (const s of answerable.filter((x) => !AUTOMATED.has(x.got.outcome)))
      console.log(`  ${s.id} ${s.intent} → ${s.got.intent} ${s.got.outcome} (${s.got.rule}): ${s.text}`);
  }
}

/** Equal entity values (item lists in any order). */
function same(want: unknown, got: unknown): boolean {
  if (Array.isArray(want) && Array.isArray(got)) {
    const key = (x: unknown) => JSON.stringify(x);
    return JSON.stringify(want.map(key).sort()) === JSON.stringify(got.map(key).sort());
  }
  return JSON.stringify(want) === JSON.stringify(got);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
