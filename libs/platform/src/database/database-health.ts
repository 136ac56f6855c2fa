import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { within } from '../time/within';

@Injectable()
export class DatabaseHealth {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** True when a round trip to PostgreSQL succeeds within the timeout. */
  async ping(timeoutMs = 2000): Promise<boolean> {
    try {
      return (await within(this.dataSource.query<unknown[]>('select 1'), timeoutMs)) !== undefined;
    } catch {
      return false;
    }
  }
}
