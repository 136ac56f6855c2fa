import { SetMetadata } from '@nestjs/common';

export const AUDITED = 'butler:audited';

export interface AuditedMeta {
  action: string;
  resourceType: string;
  /** Route param that names the resource; otherwise the response's `id`. */
  resourceParam?: string;
}

/** Names the audit action of a property-scoped write (every such write is audited regardless). */
export const Audited = (action: string, resourceType: string, resourceParam?: string) =>
  SetMetadata(AUDITED, { action, resourceType, resourceParam } satisfies AuditedMeta);
