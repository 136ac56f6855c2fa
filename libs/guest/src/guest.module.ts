import { Module } from '@nestjs/common';

/** The `guest` bounded context; owns the `guest` PostgreSQL schema. Its tables arrive with its features. */
@Module({})
export class GuestModule {}
