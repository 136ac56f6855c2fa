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
