import { Module } from '@nestjs/common';

/** The `reservation` bounded context; owns the `reservation` PostgreSQL schema. Its tables arrive with its features. */
@Module({})
export class ReservationModule {}
