export * from './validators';
export * from './uuid-param.pipe';
