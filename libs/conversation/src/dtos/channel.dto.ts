import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Min } from 'class-validator';

import { CHANNEL_KINDS, type ChannelKind } from '../services/channel-kinds';

const trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

export class CreateChannelDto {
  @ApiProperty({ enum: CHANNEL_KINDS }) @IsIn(CHANNEL_KINDS) kind: ChannelKind;
  @ApiProperty({ example: 'Front desk SMS' }) @trim() @IsString() @Length(1, 100) name: string;
  @ApiPropertyOptional({
    example: '+351912345678',
    description:
      'Where guests write to: the sender number (Twilio, E.164), the phone number id (WhatsApp Cloud) or ' +
      'the inbound address (Mailgun). Web chat accounts get a generated widget key instead.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 320)
  address?: string;
  @ApiPropertyOptional({
    description:
      'twilio_*: accountSid, authToken; whatsapp_cloud: accessToken, appSecret, verifyToken; ' +
      'email_mailgun: apiKey, webhookSigningKey. Stored sealed; never returned.',
  })
  @IsOptional()
  @IsObject()
  credentials?: Record<string, unknown>;
  @ApiPropertyOptional({
    description: 'twilio_sms: helpText; email_mailgun: domain; webchat: allowedOrigins.',
  })
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;
}

export class UpdateChannelDto {
  @ApiProperty({ description: 'The version you read (optimistic locking).' })
  @IsInt()
  @Min(1)
  version: number;
  @ApiPropertyOptional() @IsOptional() @trim() @IsString() @Length(1, 100) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 320) address?: string;
  @ApiPropertyOptional({ description: 'Only the credentials given are replaced.' })
  @IsOptional()
  @IsObject()
  credentials?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Replaces the settings.' }) @IsOptional() @IsObject() settings?: Record<
    string,
    unknown
  >;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
}

export class ChannelDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CHANNEL_KINDS }) kind: ChannelKind;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Routing address (number, phone number id, inbound address or widget key).' })
  address: string;
  @ApiProperty({ type: Object }) settings: Record<string, unknown>;
  @ApiProperty({ example: { authToken: '••••1a2b' }, description: 'Masked: the last four characters only.' })
  credentials: Record<string, string>;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ enum: ['configured', 'connected', 'error', 'disabled'] }) status: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) lastCheckedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) lastError: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}
