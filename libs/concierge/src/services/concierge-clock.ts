import { Injectable } from '@nestjs/common';

/** The concierge's sense of now: one place, so an evaluation can replay messages on a fixed date. */
@Injectable()
export class ConciergeClock {
  now(): Date {
    return new Date();
  }
}
