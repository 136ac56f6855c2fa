import {
  ApiProblems,
  Audited,
  CurrentAccess,
  Permission,
  type PropertyAccess,
  RequirePermissions,
  UuidParam,
} from '@app/platform';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import {
  AddPreferenceDto,
  CreateGuestDto,
  GuestDto,
  GuestPageDto,
  ListGuestsQueryDto,
  MergeGuestDto,
  UpdateGuestDto,
} from '../dtos/guest.dto';
import { GuestsService } from '../services/guests.service';

@ApiTags('guests')
@ApiProblems(400, 401, 403, 404, 409, 503)
@ApiBearerAuth()
@Controller({ path: 'properties/:propertyId/guests', version: '1' })
export class GuestsController {
  constructor(private readonly guests: GuestsService) {}

  @Get()
  @RequirePermissions(Permission.GuestRead)
  @ApiOperation({
    summary: 'Search guests (names, email, phone in any format, external id), by last then first name',
  })
  @ApiOkResponse({ type: GuestPageDto })
  list(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() access: PropertyAccess,
    @Query() query: ListGuestsQueryDto,
  ) {
    return this.guests.list(access, query);
  }

  @Post()
  @RequirePermissions(Permission.GuestWrite)
  @Audited('guest.create', 'guest')
  @ApiOperation({ summary: 'Create a guest profile' })
  @ApiCreatedResponse({ type: GuestDto })
  create(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() access: PropertyAccess,
    @Body() dto: CreateGuestDto,
  ) {
    return this.guests.create(access, dto);
  }

  @Get(':guestId')
  @RequirePermissions(Permission.GuestRead)
  @ApiOperation({ summary: 'One guest' })
  @ApiOkResponse({ type: GuestDto })
  get(
    @Param('propertyId', UuidParam) _p: string,
    @Param('guestId', UuidParam) guestId: string,
    @CurrentAccess() access: PropertyAccess,
  ) {
    return this.guests.get(access, guestId);
  }

  @Patch(':guestId')
  @RequirePermissions(Permission.GuestWrite)
  @Audited('guest.update', 'guest', 'guestId')
  @ApiOperation({ summary: 'Update a guest (optimistic locking: send the version you read)' })
  @ApiOkResponse({ type: GuestDto })
  update(
    @Param('propertyId', UuidParam) _p: string,
    @Param('guestId', UuidParam) guestId: string,
    @CurrentAccess() access: PropertyAccess,
    @Body() dto: UpdateGuestDto,
  ) {
    return this.guests.update(access, guestId, dto);
  }

  @Delete(':guestId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RequirePermissions(Permission.GuestWrite)
  @Audited('guest.delete', 'guest', 'guestId')
  @ApiOperation({ summary: 'Delete a guest (soft: hidden from every list and lookup)' })
  @ApiNoContentResponse()
  async remove(
    @Param('propertyId', UuidParam) _p: string,
    @Param('guestId', UuidParam) guestId: string,
    @CurrentAccess() access: PropertyAccess,
  ): Promise<void> {
    await this.guests.remove(access, guestId);
  }

  @Post(':guestId/merge')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.GuestWrite)
  @Audited('guest.merge', 'guest', 'guestId')
  @ApiOperation({
    summary: 'Merge a duplicate into this guest: its reservations (and later conversations, tasks) follow',
  })
  @ApiOkResponse({ type: GuestDto })
  merge(
    @Param('propertyId', UuidParam) _p: string,
    @Param('guestId', UuidParam) guestId: string,
    @CurrentAccess() access: PropertyAccess,
    @Body() dto: MergeGuestDto,
  ) {
    return this.guests.merge(access, guestId, dto.sourceGuestId);
  }

  @Post(':guestId/preferences')
  @RequirePermissions(Permission.GuestWrite)
  @Audited('guest.preference.set', 'guest', 'guestId')
  @ApiOperation({ summary: 'Add or replace a preference (by key)' })
  @ApiCreatedResponse({ type: GuestDto })
  addPreference(
    @Param('propertyId', UuidParam) _p: string,
    @Param('guestId', UuidParam) guestId: string,
    @CurrentAccess() access: PropertyAccess,
    @Body() dto: AddPreferenceDto,
  ) {
    return this.guests.addPreference(access, guestId, dto);
  }

  @Delete(':guestId/preferences/:key')
  @RequirePermissions(Permission.GuestWrite)
  @Audited('guest.preference.remove', 'guest', 'guestId')
  @ApiOperation({ summary: 'Remove a preference' })
  @ApiOkResponse({ type: GuestDto })
  removePreference(
    @Param('propertyId', UuidParam) _p: string,
    @Param('guestId', UuidParam) guestId: string,
    @Param('key') key: string,
    @CurrentAccess() access: PropertyAccess,
  ) {
    return this.guests.removePreference(access, guestId, key);
  }
}
