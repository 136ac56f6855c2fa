export * from './audit-recorder';
export * from './audited.decorator';
export * from './request-audit';
