export * from './controllers/knowledge.controller';
export * from './dtos/knowledge.dto';
export * from './exceptions/knowledge.exceptions';
export * from './knowledge.module';
export { contentSha256 } from './services/knowledge.service';
