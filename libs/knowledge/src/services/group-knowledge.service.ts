import {
  AuditRecorder,
  MembershipsRepository,
  PlatformDb,
  PropertiesRepository,
  type RequestInfo,
  TenantDb,
} from '@app/platform';
import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { type GroupKnowledgeDto } from '../dtos/group-knowledge.dto';
import { type CreateKnowledgeDto, type UpdateKnowledgeDto } from '../dtos/knowledge.dto';
import {
  GroupEntryNotFoundException,
  KnowledgeVersionConflictException,
  NotOrganizationAdminException,
} from '../exceptions/knowledge.exceptions';
import { EntriesRepository } from '../repositories/entries.repository';
import { GroupEntriesRepository, type GroupEntryRow } from '../repositories/group-entries.repository';
import { checked, contentSha256, type KnowledgeActor, KnowledgeService } from './knowledge.service';

interface Caller {
  userId: string;
  request: RequestInfo;
}

/**
 * Organization-wide knowledge: an organization owner or admin publishes an entry once and every
 * property of the organization holds a copy, linked by `group_entry_id`, written in the same
 * transaction and changed or removed together. Copies are ordinary entries for search and the
 * concierge, read-only at the property; properties added later receive them when created.
 */
@Injectable()
export class GroupKnowledgeService {
  constructor(
    private readonly platformDb: PlatformDb,
    private readonly tenantDb: TenantDb,
    private readonly memberships: MembershipsRepository,
    private readonly properties: PropertiesRepository,
    private readonly groups: GroupEntriesRepository,
    private readonly entries: EntriesRepository,
    private readonly knowledge: KnowledgeService,
    private readonly audit: AuditRecorder,
  ) {}

  async list(caller: Caller, organizationId: string): Promise<GroupKnowledgeDto[]> {
    return this.inOrganization(caller, organizationId, async (tx) => {
      const properties = (await this.properties.listIdsOfOrganization(organizationId)).length;
      return (await this.groups.list(tx, organizationId)).map((r) => groupDto(r, properties));
    });
  }

  async publish(caller: Caller, organizationId: string, dto: CreateKnowledgeDto): Promise<GroupKnowledgeDto> {
    checked({ ...dto });
    return this.inOrganization(caller, organizationId, async (tx) => {
      const group = await this.groups.insert(tx, organizationId, { ...dto }, caller.userId);
      const properties = await this.properties.listIdsOfOrganization(organizationId);
      for (const propertyId of properties)
        await this.inProperty(tx, caller, propertyId, 'knowledge.group.publish', group.id, (a) =>
          this.knowledge.create(a, dto, { reason: 'published by the organization', groupEntryId: group.id }),
        );
      return groupDto(group, properties.length);
    });
  }

  async update(
    caller: Caller,
    organizationId: string,
    id: string,
    dto: UpdateKnowledgeDto,
  ): Promise<GroupKnowledgeDto> {
    const { version, reason, ...changes } = dto;
    return this.inOrganization(caller, organizationId, async (tx) => {
      const current = await this.groups.find(tx, organizationId, id, true);
      if (!current) throw new GroupEntryNotFoundException();
      if (current.version !== version) throw new KnowledgeVersionConflictException(current.version);
      const fields = { ...current.fields, ...changes } as unknown as CreateKnowledgeDto;
      checked({ ...fields });
      const group = await this.groups.update(tx, organizationId, id, fields, caller.userId);
      const properties = await this.properties.listIdsOfOrganization(organizationId);
      for (const propertyId of properties)
        await this.inProperty(tx, caller, propertyId, 'knowledge.group.update', id, async (a) => {
          const copy = await this.entries.findByGroup(propertyId, id);
          if (!copy)
            return this.knowledge.create(a, fields, {
              reason: 'published by the organization',
              groupEntryId: id,
            });
          const write = {
            ...changes,
            contentSha256: changes.content ? contentSha256(changes.content) : undefined,
          };
          return this.knowledge.apply(a, copy.id, write, reason ?? 'updated by the organization');
        });
      return groupDto(group, properties.length);
    });
  }

  async remove(caller: Caller, organizationId: string, id: string): Promise<void> {
    await this.inOrganization(caller, organizationId, async (tx) => {
      if (!(await this.groups.find(tx, organizationId, id, true))) throw new GroupEntryNotFoundException();
      for (const propertyId of await this.properties.listIdsOfOrganization(organizationId))
        await this.inProperty(tx, caller, propertyId, 'knowledge.group.delete', id, async (a) => {
          const copy = await this.entries.findByGroup(propertyId, id);
          if (copy) await this.knowledge.removeCopy(a, copy.id);
        });
      await this.groups.remove(tx, organizationId, id);
    });
  }

  /** A new property of the organization receives the organization's entries (idempotent). */
  async copyToNewProperty(propertyId: string, organizationId: string): Promise<number> {
    const tx = this.tenantDb.manager;
    await this.groups.scope(tx, organizationId);
    let copied = 0;
    for (const group of await this.groups.list(tx, organizationId)) {
      if (await this.entries.findByGroup(propertyId, group.id)) continue;
      await this.knowledge.create(
        { propertyId, userId: null },
        group.fields as unknown as CreateKnowledgeDto,
        {
          reason: 'published by the organization',
          groupEntryId: group.id,
        },
      );
      copied++;
    }
    return copied;
  }

  private async inOrganization<T>(
    caller: Caller,
    organizationId: string,
    work: (tx: EntityManager) => Promise<T>,
  ) {
    const roles = await this.memberships.organizationRoles(caller.userId);
    if (
      !roles.some((m) => m.organization_id === organizationId && (m.role === 'owner' || m.role === 'admin'))
    )
      throw new NotOrganizationAdminException();
    return this.platformDb.transaction(async (tx) => {
      await this.groups.scope(tx, organizationId);
      return work(tx);
    });
  }

  private inProperty<T>(
    tx: EntityManager,
    caller: Caller,
    propertyId: string,
    action: string,
    groupEntryId: string,
    work: (actor: KnowledgeActor) => Promise<T>,
  ): Promise<T> {
    return this.tenantDb.within(tx, { propertyId, userId: caller.userId }, async (em) => {
      const result = await work({ propertyId, userId: caller.userId });
      await this.audit.record(
        {
          actorType: 'staff',
          actorId: caller.userId,
          action,
          resourceType: 'knowledge_group_entry',
          resourceId: groupEntryId,
          ip: caller.request.ip,
          userAgent: caller.request.userAgent,
          correlationId: caller.request.correlationId,
        },
        em,
      );
      return result;
    });
  }
}

function groupDto(r: GroupEntryRow, properties: number): GroupKnowledgeDto {
  return {
    ...(r.fields as unknown as CreateKnowledgeDto),
    id: r.id,
    organizationId: r.organization_id,
    version: r.version,
    properties,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}
