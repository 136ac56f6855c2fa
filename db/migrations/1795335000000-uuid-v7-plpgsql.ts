import { type MigrationInterface, type QueryRunner } from 'typeorm';

const BODY = `
    pg_catalog.set_bit(pg_catalog.set_bit(
      overlay(pg_catalog.uuid_send(pg_catalog.gen_random_uuid())
              placing substring(pg_catalog.int8send(
                (extract(epoch from pg_catalog.clock_timestamp()) operator(pg_catalog.*) 1000)::pg_catalog.int8) from 3)
              from 1 for 6),
      52, 1), 53, 1)`;

/**
 * `platform.uuid_v7()`, every table's id default, in PL/pgSQL. As a SQL function with its own
 * search_path it could not be inlined, so PostgreSQL planned its body at every call: about 70 µs,
 * six times per guest message. A PL/pgSQL function keeps the plan of its one expression for the
 * connection's life. Every function, operator and type is schema-qualified (overlay, substring
 * and extract are the grammar's own, which name pg_catalog's), so it needs no search_path of its
 * own, which would cost a configuration change per call, and no schema on a caller's path can
 * stand in for what it calls.
 */
export class UuidV7Plpgsql1795335000000 implements MigrationInterface {
  name = 'UuidV7Plpgsql1795335000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create or replace function platform.uuid_v7() returns uuid
        language plpgsql volatile parallel safe
      as $$
      begin
        return pg_catalog.encode(${BODY}, 'hex')::pg_catalog.uuid;
      end
      $$;
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      create or replace function platform.uuid_v7() returns uuid
        language sql volatile parallel safe
        set search_path = pg_catalog
      as $$
        select encode(
          set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                    placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
                    from 1 for 6),
            52, 1), 53, 1),
          'hex')::uuid
      $$;
    `);
  }
}
