import { Module } from '@nestjs/common';

/** The `operations` bounded context; owns the `operations` PostgreSQL schema. Its tables arrive with its features. */
@Module({})
export class OperationsModule {}
