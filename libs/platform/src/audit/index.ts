export * from './audit-recorder';
export * from './audited.decorator';
