export * from './database.module';
export * from './database-health';
export * from './platform-db.service';
export * from './sql-filter';
export * from './sql-runner';
export * from './tenant-db.service';
export * from './uuid';
export * from './written-columns';
