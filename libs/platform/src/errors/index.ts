export * from './api-problems.decorator';
export * from './app-exception';
export * from './problem';
export * from './problem-details.filter';
export * from './validation';
