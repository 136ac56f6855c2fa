import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';

import { JOB_HANDLER, type JobHandler, type JobHandlerMeta } from './job-handler';
import { JobName } from './queue-names';

export interface RegisteredHandler {
  meta: JobHandlerMeta;
  instance: JobHandler;
}

export class JobHandlerRegistryError extends Error {}

/** Finds every @HandlesJob provider and asserts each JobName has exactly one. */
@Injectable()
export class JobRegistry implements OnApplicationBootstrap {
  private readonly handlers = new Map<JobName, RegisteredHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const found = new Map<JobName, RegisteredHandler[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      const metatype = wrapper.metatype;
      if (!instance || !metatype) continue;
      const meta = this.reflector.get<JobHandlerMeta | undefined>(JOB_HANDLER, metatype);
      if (!meta) continue;
      found.set(meta.name, [...(found.get(meta.name) ?? []), { meta, instance: instance as JobHandler }]);
    }
    assertOneHandlerEach(found);
    for (const [name, [handler]] of found) this.handlers.set(name, handler);
  }

  get(name: string): RegisteredHandler | undefined {
    return this.handlers.get(name as JobName);
  }
}

export function assertOneHandlerEach(found: Map<JobName, unknown[]>): void {
  const problems: string[] = [];
  for (const name of Object.values(JobName)) {
    const count = found.get(name)?.length ?? 0;
    if (count !== 1) problems.push(`${name}: ${count} handlers`);
  }
  for (const name of found.keys()) {
    if (!Object.values(JobName).includes(name)) problems.push(`${String(name)}: not a JobName`);
  }
  if (problems.length > 0) {
    throw new JobHandlerRegistryError(`Every job needs exactly one handler:\n  ${problems.join('\n  ')}`);
  }
}
