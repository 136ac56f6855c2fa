export * from './app-exception';
export * from './problem';
export * from './problem-details.filter';
export * from './validation';
