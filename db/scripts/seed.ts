/**
 * `npm run db:seed`: an idempotent demo — one hotel group, one hotel, an owner and a housekeeper.
 * Runs as the owner role; platform directory tables are not row-level-secured.
 */
import 'reflect-metadata';

import { ARGON2_OPTIONS } from '@app/platform/auth/password.service';
import { loadDatabaseUrls, readEnvironment } from '@app/platform/config';
import { defaultPropertySettings } from '@app/platform/identity/property-settings';
import * as argon2 from 'argon2';
import { Client } from 'pg';

export const DEMO = {
  organization: 'Demo Hotel Group',
  property: { name: 'The Grand Demo Hotel', code: 'grand-demo', timezone: 'Europe/Lisbon' },
  owner: { name: 'Demo Owner', email: 'owner@demo.butler.test', password: 'demo-owner-password' },
  housekeeper: {
    name: 'Demo Housekeeper',
    email: 'housekeeping@demo.butler.test',
    password: 'demo-housekeeping-pw',
  },
};

async function upsertUser(
  db: Client,
  user: { name: string; email: string; password: string },
): Promise<string> {
  const found = await db.query<{ id: string }>('select id from platform.users where email = $1', [
    user.email,
  ]);
  if (found.rows[0]) return found.rows[0].id;
  const hash = await argon2.hash(user.password, ARGON2_OPTIONS);
  const inserted = await db.query<{ id: string }>(
    'insert into platform.users (email, name, password_hash) values ($1, $2, $3) returning id',
    [user.email, user.name, hash],
  );
  return inserted.rows[0].id;
}

/** What the demo concierge knows (the worker chunks and embeds it when it starts). */
const DEMO_KNOWLEDGE = [
  {
    category: 'dining',
    title: 'Breakfast',
    keywords: ['breakfast', 'morning'],
    content:
      'Breakfast is served from 7:00 to 10:30 in the Atrium restaurant, 11:00 on weekends. ' +
      'It is included in every room rate. Breakfast in your room can be ordered until 10:00 by dialling 22.',
  },
  {
    category: 'amenity',
    title: 'Wi-Fi',
    keywords: ['wifi', 'wlan', 'internet'],
    content: 'Connect to the network "GrandDemo-Guest". The password is printed on your key card holder.',
  },
  {
    category: 'policy',
    title: 'Check-in and check-out',
    keywords: ['check-in', 'check-out', 'late checkout'],
    content:
      'Check-in is from 15:00 and check-out until 11:00. Late check-out until 14:00 can be requested at ' +
      'reception and depends on availability.',
  },
  {
    category: 'amenity',
    title: 'Parking',
    keywords: ['car', 'garage'],
    content:
      'The hotel garage is on Rua do Ouro 12. Guests park for 25 EUR a day; ask reception for a permit.',
  },
  {
    category: 'policy',
    title: 'Lost card procedure',
    visibility: 'internal',
    content: 'Disable the lost key card in the lock system before issuing a new one, and note it in the log.',
  },
];

async function seedKnowledge(db: Client, propertyId: string, ownerId: string): Promise<void> {
  // Knowledge tables are under forced row-level security, for their owner too.
  await db.query(`select set_config('app.property_id', $1, true)`, [propertyId]);
  for (const e of DEMO_KNOWLEDGE) {
    await db.query(
      `with added as (
         insert into knowledge.entries (property_id, category, title, content, keywords, visibility, content_sha256,
                created_by, updated_by)
         select $1::uuid, $2::text, $3::text, $4::text, $5::text[], $6::text,
                encode(sha256(convert_to($4::text, 'UTF8')), 'hex'), $7::uuid, $7::uuid
          where not exists (select 1 from knowledge.entries where property_id = $1::uuid and title = $3::text)
         returning *)
       insert into knowledge.entry_versions (property_id, entry_id, version, title, content, content_sha256, fields,
              reason, changed_by)
       select property_id, id, version, title, content, content_sha256,
              jsonb_build_object('category', category, 'keywords', to_jsonb(keywords), 'language', language,
                'priority', priority, 'status', status, 'visibility', visibility, 'validFrom', valid_from,
                'validUntil', valid_until, 'sourceUrl', source_url), 'demo seed', $7::uuid
         from added`,
      [propertyId, e.category, e.title, e.content, e.keywords ?? [], e.visibility ?? 'guest', ownerId],
    );
  }
}

async function main(): Promise<void> {
  if (readEnvironment().NODE_ENV === 'production') {
    throw new Error(
      'the demo seed has well-known passwords and is refused when NODE_ENV=production (set SEED_DEMO=false)',
    );
  }
  const db = new Client({ connectionString: loadDatabaseUrls().owner, application_name: 'butler-seed' });
  await db.connect();
  try {
    await db.query('begin');
    let property = (
      await db.query<{ id: string; organization_id: string }>(
        'select id, organization_id from platform.properties where code = $1',
        [DEMO.property.code],
      )
    ).rows[0];
    if (!property) {
      const org = await db.query<{ id: string }>(
        'insert into platform.organizations (name) values ($1) returning id',
        [DEMO.organization],
      );
      property = (
        await db.query<{ id: string; organization_id: string }>(
          `insert into platform.properties (organization_id, name, code, timezone, settings)
           values ($1, $2, $3, $4, $5) returning id, organization_id`,
          [
            org.rows[0].id,
            DEMO.property.name,
            DEMO.property.code,
            DEMO.property.timezone,
            JSON.stringify({
              ...defaultPropertySettings(DEMO.property.name),
              country: 'PT',
              supportedLanguages: ['en', 'pt', 'es'],
            }),
          ],
        )
      ).rows[0];
    }
    const ownerId = await upsertUser(db, DEMO.owner);
    const housekeeperId = await upsertUser(db, DEMO.housekeeper);
    await db.query(
      `insert into platform.memberships (user_id, organization_id, property_id, role)
       values ($1, $2, null, 'owner') on conflict do nothing`,
      [ownerId, property.organization_id],
    );
    await db.query(
      `insert into platform.memberships (user_id, organization_id, property_id, role, department)
       values ($1, $2, $3, 'housekeeping', 'housekeeping') on conflict do nothing`,
      [housekeeperId, property.organization_id, property.id],
    );
    await seedKnowledge(db, property.id, ownerId);
    await db.query('commit');
    console.log(
      `demo hotel "${DEMO.property.name}" (${DEMO.property.code}) is ready: property id ${property.id}`,
    );
  } catch (err) {
    await db.query('rollback');
    throw err;
  } finally {
    await db.end();
  }
}

main().catch((err: Error) => {
  console.error(`seeding failed: ${err.message}`);
  process.exit(1);
});
