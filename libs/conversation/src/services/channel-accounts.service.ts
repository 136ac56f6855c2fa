import { randomBytes } from 'node:crypto';

import {
  type PropertyAccess,
  SecretBox,
  TenantDb,
  uniqueViolation,
  uuidv7,
  ValidationFailedException,
} from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ChannelDto, type CreateChannelDto, type UpdateChannelDto } from '../dtos/channel.dto';
import {
  ChannelAddressTakenException,
  ChannelInUseException,
  ChannelNotFoundException,
  ChannelVersionConflictException,
} from '../exceptions/conversation.exceptions';
import {
  type ChannelAccountRow,
  ChannelAccountsRepository,
} from '../repositories/channel-accounts.repository';
import { type ChannelKind, credentialErrors, KINDS, maskSecret, settingErrors } from './channel-kinds';
import { ChannelSenders } from './channel-senders';
import { ProviderError } from './provider-error';

/** Opened credentials kept per account version (a change of credentials bumps the version). */
const CREDENTIALS_CACHE_SIZE = 1000;

/** Channel accounts of a property: validated per kind, credentials sealed and shown masked. */
@Injectable()
export class ChannelAccountsService {
  private readonly opened = new Map<string, Record<string, string>>();

  constructor(
    private readonly db: TenantDb,
    private readonly accounts: ChannelAccountsRepository,
    private readonly secrets: SecretBox,
    private readonly senders: ChannelSenders,
  ) {}

  async create(access: PropertyAccess, dto: CreateChannelDto): Promise<ChannelDto> {
    const credentials = dto.credentials ?? {};
    const settings = dto.settings ?? {};
    const errors = [...credentialErrors(dto.kind, credentials, false), ...settingErrors(dto.kind, settings)];
    const routeKey = this.routeKey(dto.kind, dto.address, errors);
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const id = uuidv7();
    const row = await this.accounts
      .insert(
        access.propertyId,
        id,
        dto.kind,
        {
          name: dto.name,
          routeKey,
          settings,
          secrets: this.seal(access.propertyId, id, credentials as Record<string, string>),
          secretHints: hints(credentials as Record<string, string>),
        },
        access.userId,
      )
      .catch(mapWriteError);
    return toDto(row);
  }

  async list(access: PropertyAccess): Promise<ChannelDto[]> {
    return (await this.accounts.list(access.propertyId)).map(toDto);
  }

  async get(access: PropertyAccess, id: string): Promise<ChannelDto> {
    return toDto(await this.require(access.propertyId, id));
  }

  async update(access: PropertyAccess, id: string, dto: UpdateChannelDto): Promise<ChannelDto> {
    const current = await this.require(access.propertyId, id, true);
    if (current.version !== dto.version) throw new ChannelVersionConflictException(current.version);
    const errors = [
      ...credentialErrors(current.kind, dto.credentials ?? {}, true),
      ...settingErrors(current.kind, dto.settings ?? {}),
    ];
    const routeKey = dto.address === undefined ? undefined : this.routeKey(current.kind, dto.address, errors);
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const credentials = dto.credentials
      ? { ...this.open(current), ...(dto.credentials as Record<string, string>) }
      : undefined;
    const row = await this.accounts
      .update(
        access.propertyId,
        id,
        {
          name: dto.name,
          routeKey,
          settings: dto.settings,
          secrets: credentials && this.seal(access.propertyId, id, credentials),
          secretHints: credentials && hints(credentials),
          enabled: dto.enabled,
        },
        access.userId,
      )
      .catch(mapWriteError);
    return toDto(row);
  }

  async remove(access: PropertyAccess, id: string): Promise<void> {
    if (!(await this.accounts.remove(access.propertyId, id).catch(mapWriteError)))
      throw new ChannelNotFoundException();
  }

  /** Asks the provider whether the credentials work; records the answer on the account. */
  async test(access: PropertyAccess, id: string): Promise<ChannelDto> {
    const account = await this.require(access.propertyId, id, true);
    let error: string | null = null;
    try {
      await this.senders.for(account.kind).check(account, this.open(account));
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      error = err.message;
    }
    return toDto(await this.accounts.recordCheck(access.propertyId, id, error));
  }

  /**
   * The credentials of a routed account, opened once per account version: a webhook then needs no
   * account read or decryption. On a miss the account is read in its property transaction (the
   * caller's, or one of its own).
   */
  async credentialsFor(route: {
    propertyId: string;
    accountId: string;
    version: number;
  }): Promise<Record<string, string>> {
    const key = `${route.accountId}:${route.version}`;
    const cached = this.opened.get(key);
    if (cached) return cached;
    const account = await this.db.run({ propertyId: route.propertyId }, () =>
      this.require(route.propertyId, route.accountId),
    );
    const credentials = this.open(account);
    if (account.version === route.version) {
      if (this.opened.size >= CREDENTIALS_CACHE_SIZE) this.opened.delete(this.opened.keys().next().value!);
      this.opened.set(key, credentials);
    }
    return credentials;
  }

  /** The account's credentials, opened (inside the account's property transaction). */
  open(row: ChannelAccountRow): Record<string, string> {
    return JSON.parse(this.secrets.open(row.secrets, sealContext(row.property_id, row.id))) as Record<
      string,
      string
    >;
  }

  async require(propertyId: string, id: string, forUpdate = false): Promise<ChannelAccountRow> {
    const row = await this.accounts.findById(propertyId, id, forUpdate);
    if (!row) throw new ChannelNotFoundException();
    return row;
  }

  private seal(propertyId: string, id: string, credentials: Record<string, string>): string {
    return this.secrets.seal(JSON.stringify(credentials), sealContext(propertyId, id));
  }

  /** Web chat gets a generated widget key; the others must give their address. */
  private routeKey(
    kind: ChannelKind,
    address: string | undefined,
    errors: { field: string; message: string; code?: string }[],
  ) {
    const spec = KINDS[kind].address;
    if (!spec) {
      if (address !== undefined)
        errors.push({
          field: 'address',
          code: 'notAllowed',
          message: 'web chat accounts get a generated widget key',
        });
      return `wk_${randomBytes(18).toString('base64url')}`;
    }
    const key = address === undefined ? undefined : spec.normalize(address);
    if (!key)
      errors.push({ field: 'address', code: 'invalidAddress', message: `address must be ${spec.label}` });
    return key ?? '';
  }
}

const sealContext = (propertyId: string, id: string) => `channel:${propertyId}:${id}`;

function hints(credentials: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(credentials).map(([k, v]) => [k, maskSecret(v)]));
}

function mapWriteError(err: unknown): never {
  if (uniqueViolation(err, 'channel_routes_pkey')) throw new ChannelAddressTakenException();
  const code = (err as { driverError?: { code?: string } })?.driverError?.code;
  if (code === '23503') throw new ChannelInUseException();
  throw err;
}

export function toDto(r: ChannelAccountRow): ChannelDto {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    address: r.route_key,
    settings: r.settings,
    credentials: r.secret_hints,
    enabled: r.enabled,
    status: r.status,
    lastCheckedAt: r.last_checked_at ? new Date(r.last_checked_at).toISOString() : null,
    lastError: r.last_error,
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}
