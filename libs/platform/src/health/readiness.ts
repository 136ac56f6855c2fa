import { Injectable } from '@nestjs/common';

/** Flipped first on shutdown so load balancers stop routing before connections close. */
@Injectable()
export class Readiness {
  private draining = false;

  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }
}
