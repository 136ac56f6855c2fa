export * from './controllers/tasks.controller';
export * from './dtos/task.dto';
export * from './exceptions/task.exceptions';
export * from './operations.module';
export * from './services/task-desk';
