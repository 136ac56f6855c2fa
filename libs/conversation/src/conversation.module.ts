import { Module } from '@nestjs/common';

/** The `conversation` bounded context; owns the `conversation` PostgreSQL schema. Its tables arrive with its features. */
@Module({})
export class ConversationModule {}
