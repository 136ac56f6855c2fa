import {
  ApiProblems,
  Audited,
  CurrentAccess,
  Permission,
  type PropertyAccess,
  RequirePermissions,
  UuidParam,
} from '@app/platform';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { ChannelDto, CreateChannelDto, UpdateChannelDto } from '../dtos/channel.dto';
import { ChannelAccountsService } from '../services/channel-accounts.service';

@ApiTags('channels')
@ApiProblems(400, 401, 403, 404, 409, 503)
@ApiBearerAuth()
@RequirePermissions(Permission.IntegrationManage)
@Controller({ path: 'properties/:propertyId/channels', version: '1' })
export class ChannelsController {
  constructor(private readonly channels: ChannelAccountsService) {}

  @Get()
  @ApiOperation({ summary: "The property's channel accounts (credentials masked)" })
  @ApiOkResponse({ type: [ChannelDto] })
  list(@Param('propertyId', UuidParam) _p: string, @CurrentAccess() a: PropertyAccess) {
    return this.channels.list(a);
  }

  @Post()
  @Audited('channel.create', 'channel')
  @ApiOperation({
    summary: 'Register a channel account (Twilio SMS/WhatsApp, WhatsApp Cloud, Mailgun, web chat)',
  })
  @ApiCreatedResponse({ type: ChannelDto })
  create(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() a: PropertyAccess,
    @Body() dto: CreateChannelDto,
  ) {
    return this.channels.create(a, dto);
  }

  @Get(':channelId')
  @ApiOperation({ summary: 'One channel account' })
  @ApiOkResponse({ type: ChannelDto })
  get(
    @Param('propertyId', UuidParam) _p: string,
    @Param('channelId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.channels.get(a, id);
  }

  @Patch(':channelId')
  @Audited('channel.update', 'channel', 'channelId')
  @ApiOperation({ summary: 'Rename, readdress, replace credentials or settings, enable or disable' })
  @ApiOkResponse({ type: ChannelDto })
  update(
    @Param('propertyId', UuidParam) _p: string,
    @Param('channelId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
    @Body() dto: UpdateChannelDto,
  ) {
    return this.channels.update(a, id, dto);
  }

  @Post(':channelId/test')
  @HttpCode(HttpStatus.OK)
  @Audited('channel.test', 'channel', 'channelId')
  @ApiOperation({
    summary: 'Check the credentials with the provider (a read; nothing is sent)',
    description: 'The answer is recorded: status connected or error, with lastError and lastCheckedAt.',
  })
  @ApiOkResponse({ type: ChannelDto })
  test(
    @Param('propertyId', UuidParam) _p: string,
    @Param('channelId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.channels.test(a, id);
  }

  @Delete(':channelId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Audited('channel.delete', 'channel', 'channelId')
  @ApiOperation({ summary: 'Delete a channel account that has no conversations (otherwise disable it)' })
  @ApiNoContentResponse()
  remove(
    @Param('propertyId', UuidParam) _p: string,
    @Param('channelId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.channels.remove(a, id);
  }
}
