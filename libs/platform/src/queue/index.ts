export * from './job-handler';
export * from './job-registry';
export * from './local-jobs';
export * from './queue.module';
export * from './queue-defaults';
export * from './queue-names';
export * from './queue-producer.service';
export * from './worker-host.service';
