export * from './compliance.module';
export * from './controllers/audit-log.controller';
export * from './dtos/audit-log.dto';
