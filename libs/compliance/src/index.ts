export * from './compliance.module';
export * from './dtos/audit-log.dto';
