import {
  AppConfig,
  type FieldError,
  PropertiesRepository,
  type PropertyAccess,
  type PropertyRow,
  ValidationFailedException,
  withDefaults,
} from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type AiPolicyDto, type UpdateAiPolicyDto } from '../dtos/ai-policy.dto';
import { LINE_KEYS } from '../engine/builtin/wording';
import { INTENTS } from '../engine/intent-taxonomy';
import { PolicyVersionConflictException } from '../exceptions/concierge.exceptions';
import { PoliciesRepository, type PolicyRow } from '../repositories/policies.repository';
import { type AiPolicy, DEFAULT_POLICY, withPolicyDefaults } from './ai-policy';

const DEPARTMENTS = new Set<string>(Object.values(INTENTS).map((i) => i.department));
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;
const MAX_LINE = 1000;

/** What the concierge needs of a property's own settings. */
export interface ConciergeProperty {
  name: string;
  timezone: string;
  language: string;
  supported: string[];
  aiEnabled: boolean;
}

/** The property's AI policy: read with defaults, saved by managers (optimistic version check). */
@Injectable()
export class AiPolicyService {
  constructor(
    private readonly policies: PoliciesRepository,
    private readonly properties: PropertiesRepository,
    private readonly config: AppConfig,
  ) {}

  /**
   * The property as the concierge sees it and the policy it applies (both reads asked for
   * together); the confidence threshold defaults to the property settings' escalation threshold.
   */
  async forProperty(propertyId: string): Promise<{ property: ConciergeProperty; policy: AiPolicy }> {
    const [row, stored] = await Promise.all([
      this.properties.findById(propertyId),
      this.policies.find(propertyId),
    ]);
    const settings = withDefaults(row?.name ?? '', row?.settings ?? {});
    return {
      property: conciergeProperty(row, settings),
      policy: withPolicyDefaults({
        confidenceThreshold: settings.escalation.threshold,
        ...(stored?.settings ?? {}),
      }),
    };
  }

  /** The property as the concierge sees it (no round trip where the transaction has read it already). */
  async property(propertyId: string): Promise<ConciergeProperty> {
    const row = await this.properties.findById(propertyId);
    return conciergeProperty(row, withDefaults(row?.name ?? '', row?.settings ?? {}));
  }

  async get(access: PropertyAccess): Promise<AiPolicyDto> {
    return this.toDto(await this.policies.find(access.propertyId));
  }

  async update(access: PropertyAccess, dto: UpdateAiPolicyDto): Promise<AiPolicyDto> {
    const current = await this.policies.find(access.propertyId, true);
    if ((current?.version ?? 0) !== dto.version)
      throw new PolicyVersionConflictException(current?.version ?? 0);
    const { version: _version, ...fields } = dto;
    validateMaps(fields);
    const next = withPolicyDefaults(fields as Partial<AiPolicy>);
    return this.toDto(await this.policies.save(access.propertyId, next, access.userId));
  }

  private toDto(row: PolicyRow | undefined): AiPolicyDto {
    const p = withPolicyDefaults(row?.settings ?? DEFAULT_POLICY);
    return {
      version: row?.version ?? 0,
      engineInUse: p.engine ?? this.config.AI_PROVIDER,
      engine: p.engine,
      confidenceThreshold: p.confidenceThreshold,
      autonomy: p.autonomy,
      departmentAutonomy: p.departmentAutonomy,
      escalateNegativeSentiment: p.escalateNegativeSentiment,
      repeatLimit: p.repeatLimit,
      staffActivityMinutes: p.staffActivityMinutes,
      vipTiers: p.vipTiers,
      vipMode: p.vipMode,
      quietHours: p.quietHours,
      emergencyNumber: p.emergencyNumber,
      translateForStaff: p.translateForStaff,
      wording: p.wording,
      updatedAt: row ? row.updated_at.toISOString() : null,
    };
  }
}

/** The free-form maps: departments and levels, languages and line keys. */
function validateMaps(fields: Omit<UpdateAiPolicyDto, 'version'>): void {
  const errors: FieldError[] = [];
  for (const [department, level] of Object.entries(fields.departmentAutonomy ?? {})) {
    if (!DEPARTMENTS.has(department))
      errors.push({
        field: `departmentAutonomy.${department}`,
        code: 'unknownDepartment',
        message: `unknown department ${department}`,
      });
    if (level !== 'L1' && level !== 'L2')
      errors.push({ field: `departmentAutonomy.${department}`, code: 'isIn', message: 'must be L1 or L2' });
  }
  for (const [language, lines] of Object.entries(fields.wording ?? {})) {
    if (!LANGUAGE.test(language) || typeof lines !== 'object' || lines === null || Array.isArray(lines)) {
      errors.push({
        field: `wording.${language}`,
        code: 'invalidLanguage',
        message: 'a language code mapping line keys to texts',
      });
      continue;
    }
    for (const [key, text] of Object.entries(lines)) {
      if (!(LINE_KEYS as readonly string[]).includes(key))
        errors.push({
          field: `wording.${language}.${key}`,
          code: 'unknownLine',
          message: `unknown line ${key}`,
        });
      else if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_LINE)
        errors.push({
          field: `wording.${language}.${key}`,
          code: 'invalidText',
          message: `1 to ${MAX_LINE} characters`,
        });
    }
  }
  if (errors.length) throw new ValidationFailedException(errors);
}

function conciergeProperty(
  row: PropertyRow | undefined,
  settings: ReturnType<typeof withDefaults>,
): ConciergeProperty {
  return {
    name: settings.branding.name || row?.name || '',
    timezone: row?.timezone ?? 'UTC',
    language: settings.defaultLanguage,
    supported: settings.supportedLanguages,
    aiEnabled: settings.features.aiConcierge,
  };
}
