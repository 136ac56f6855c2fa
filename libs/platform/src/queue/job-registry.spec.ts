import 'reflect-metadata';

import { type DiscoveryService, Reflector } from '@nestjs/core';

import { HandlesJob, type JobHandler } from './job-handler';
import { assertOneHandlerEach, JobHandlerRegistryError, JobRegistry } from './job-registry';
import { JobName } from './queue-names';

/** One (fake) handler for every job name. */
const complete = () => new Map<JobName, unknown[]>(Object.values(JobName).map((name) => [name, [{}]]));

function registryErrorOf(found: Map<JobName, unknown[]>): JobHandlerRegistryError {
  try {
    assertOneHandlerEach(found);
  } catch (err) {
    if (err instanceof JobHandlerRegistryError) return err;
    throw err;
  }
  throw new Error('expected the handlers to be refused');
}

describe(assertOneHandlerEach.name, () => {
  it('accepts exactly one handler for every job name', () => {
    expect(() => assertOneHandlerEach(complete())).not.toThrow();
  });

  it('refuses a job name without a handler', () => {
    const found = complete();
    found.delete(JobName.OutboxPrune);

    const error = registryErrorOf(found);

    expect(error.message).toContain(`${JobName.OutboxPrune}: 0 handlers`);
  });

  it('refuses a job name with two handlers', () => {
    const found = complete();
    found.set(JobName.DomainEvent, [{}, {}]);

    const error = registryErrorOf(found);

    expect(error.message).toContain(`${JobName.DomainEvent}: 2 handlers`);
  });

  it('refuses a handler for a name that is not a JobName', () => {
    const found = complete();
    found.set('guest.typo' as JobName, [{}]);

    const error = registryErrorOf(found);

    expect(error.message).toContain('guest.typo: not a JobName');
  });

  it('lists every problem at once', () => {
    const found = complete();
    found.delete(JobName.AuditLogPartitions);
    found.set(JobName.OutboxPruneAll, [{}, {}, {}]);
    found.set('unknown.job' as JobName, [{}]);

    const lines = registryErrorOf(found).message.split('\n').slice(1);

    expect(lines.map((l) => l.trim()).sort()).toEqual(
      [
        `${JobName.AuditLogPartitions}: 0 handlers`,
        `${JobName.OutboxPruneAll}: 3 handlers`,
        'unknown.job: not a JobName',
      ].sort(),
    );
  });
});

describe(JobRegistry.name, () => {
  const handlerFor = (name: JobName) => {
    @HandlesJob(name, 'platform')
    class Handler implements JobHandler {
      handle() {
        return Promise.resolve(name);
      }
    }
    return Handler;
  };

  const registryOver = (classes: (new () => JobHandler)[]) => {
    const providers = [
      // Providers without an instance or without @HandlesJob are not handlers.
      { instance: undefined, metatype: handlerFor(JobName.DomainEvent) },
      { instance: {}, metatype: class NotAHandler {} },
      ...classes.map((metatype) => ({ instance: new metatype(), metatype })),
    ];
    const discovery = { getProviders: () => providers } as unknown as DiscoveryService;
    return new JobRegistry(discovery, new Reflector());
  };

  describe('onApplicationBootstrap', () => {
    it('finds the one handler of each job by its @HandlesJob metadata', () => {
      const registry = registryOver(Object.values(JobName).map(handlerFor));

      registry.onApplicationBootstrap();

      expect(registry.get(JobName.OutboxPrune)?.meta).toEqual({
        name: JobName.OutboxPrune,
        scope: 'platform',
      });
      expect(registry.get('not-a-job')).toBeUndefined();
    });

    it('fails the boot when a job has two handlers', () => {
      const registry = registryOver([
        ...Object.values(JobName).map(handlerFor),
        handlerFor(JobName.DomainEvent),
      ]);

      expect(() => registry.onApplicationBootstrap()).toThrow(JobHandlerRegistryError);
    });
  });
});
