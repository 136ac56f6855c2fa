import { Injectable } from '@nestjs/common';

import { PlatformDb } from '../../database/platform-db.service';
import { rowsOf, type SqlRunner } from '../../database/sql-runner';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  is_active: boolean;
  created_at: Date;
}

@Injectable()
export class UsersRepository {
  constructor(private readonly db: PlatformDb) {}

  async findByEmail(email: string): Promise<UserRow | undefined> {
    const rows = await this.db.query<UserRow>('select * from platform.users where email = $1', [email]);
    return rows[0];
  }

  /** Pass the transaction when inside one: a second pooled connection could deadlock the pool. */
  async findById(id: string, tx?: SqlRunner): Promise<UserRow | undefined> {
    const rows = await rowsOf<UserRow>(
      (tx ?? this.db).query('select * from platform.users where id = $1', [id]),
    );
    return rows[0];
  }

  async insert(tx: SqlRunner, user: { email: string; name: string; passwordHash: string }): Promise<UserRow> {
    const rows = await rowsOf<UserRow>(
      tx.query(`insert into platform.users (email, name, password_hash) values ($1, $2, $3) returning *`, [
        user.email,
        user.name,
        user.passwordHash,
      ]),
    );
    return rows[0];
  }

  async touchLogin(id: string): Promise<void> {
    await this.db.query('update platform.users set last_login_at = now() where id = $1', [id]);
  }
}
