export * from './body-limit';
export * from './cursor';
export * from './uuid-param.pipe';
export * from './validators';
