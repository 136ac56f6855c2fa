import { AppException, ConflictException, NotFoundException } from '@app/platform';

export enum KnowledgeErrorCode {
  EntryNotFound = 'knowledge_entry_not_found',
  VersionNotFound = 'knowledge_version_not_found',
  VersionConflict = 'version_conflict',
  ContentTooLarge = 'content_too_large',
  InvalidValidity = 'invalid_validity',
  GroupEntryManaged = 'group_entry_managed',
  GroupEntryNotFound = 'group_entry_not_found',
  NotOrganizationAdmin = 'organization_admin_required',
}

export class KnowledgeEntryNotFoundException extends NotFoundException {
  constructor() {
    super('Knowledge entry', KnowledgeErrorCode.EntryNotFound);
  }
}

export class KnowledgeVersionNotFoundException extends NotFoundException {
  constructor() {
    super('Knowledge entry version', KnowledgeErrorCode.VersionNotFound);
  }
}

export class KnowledgeVersionConflictException extends ConflictException {
  constructor(current: number) {
    super(
      KnowledgeErrorCode.VersionConflict,
      `The entry was changed by someone else (now at version ${current}); reload and retry.`,
    );
  }
}

export class ContentTooLargeException extends AppException {
  constructor(bytes: number, max: number) {
    super(
      KnowledgeErrorCode.ContentTooLarge,
      413,
      'Content too large',
      `The content is ${bytes} bytes; an entry holds at most ${max}. Split it into several entries.`,
    );
  }
}

export class InvalidValidityException extends AppException {
  constructor() {
    super(
      KnowledgeErrorCode.InvalidValidity,
      400,
      'Invalid validity window',
      'validUntil must be later than validFrom.',
    );
  }
}

export class GroupEntryManagedException extends ConflictException {
  constructor() {
    super(
      KnowledgeErrorCode.GroupEntryManaged,
      "This entry is a copy of an organization-wide entry: change it through the organization's knowledge.",
    );
  }
}

export class GroupEntryNotFoundException extends NotFoundException {
  constructor() {
    super('Organization knowledge entry', KnowledgeErrorCode.GroupEntryNotFound);
  }
}

export class NotOrganizationAdminException extends AppException {
  constructor() {
    super(
      KnowledgeErrorCode.NotOrganizationAdmin,
      403,
      'Organization owner or admin required',
      "Only the organization's owners and admins publish knowledge to all of its properties.",
    );
  }
}
