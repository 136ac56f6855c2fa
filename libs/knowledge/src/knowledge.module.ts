import { Module } from '@nestjs/common';

/** The `knowledge` bounded context; owns the `knowledge` PostgreSQL schema. Its tables arrive with its features. */
@Module({})
export class KnowledgeModule {}
