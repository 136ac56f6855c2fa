import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

export const CONVERSATION_STATES = ['new', 'active', 'escalated', 'resolved', 'closed'] as const;
export const CHANNEL_TYPES = ['sms', 'whatsapp', 'email', 'webchat'] as const;
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
const toBool = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class ListConversationsQueryDto {
  @ApiPropertyOptional({ enum: CONVERSATION_STATES }) @IsOptional() @IsIn(CONVERSATION_STATES) state?: string;
  @ApiPropertyOptional({ enum: CHANNEL_TYPES }) @IsOptional() @IsIn(CHANNEL_TYPES) channel?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() assignee?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(toBool) @IsBoolean() unassigned?: boolean;
  @ApiPropertyOptional() @IsOptional() @Transform(toBool) @IsBoolean() unread?: boolean;
  @ApiPropertyOptional({ enum: PRIORITIES }) @IsOptional() @IsIn(PRIORITIES) priority?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() guestId?: string;
  @ApiPropertyOptional({ description: 'Text in any message of the conversation.' })
  @IsOptional()
  @IsString()
  @Length(2, 100)
  q?: string;
  @ApiPropertyOptional({ default: 25, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) cursor?: string;
}

export class MessagesQueryDto {
  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
  @ApiPropertyOptional({ description: 'Older messages than this cursor.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}

export class TemplateReplyDto {
  @ApiProperty({
    example: 'stay_follow_up',
    description: "A template registered on the conversation's channel.",
  })
  @IsString()
  @Length(1, 512)
  name: string;
  @ApiPropertyOptional({
    example: 'en_US',
    description: 'Needed when the template exists in several languages.',
  })
  @IsOptional()
  @IsString()
  @Length(2, 10)
  language?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { guestName: 'Ana' },
    description: 'Every variable the template declares, by name.',
  })
  @IsOptional()
  @IsObject()
  variables?: Record<string, string>;
}

export class ReplyDto {
  @ApiPropertyOptional({
    example: 'Of course — two towels are on their way to 204.',
    description: 'Free text; required unless a template is sent.',
  })
  @ValidateIf((o: ReplyDto) => o.template === undefined || o.template === null || o.content !== undefined)
  @IsString()
  @Length(1, 20000)
  content?: string;
  @ApiPropertyOptional({
    type: TemplateReplyDto,
    description:
      'WhatsApp: send a registered template instead of free text (allowed outside the 24-hour window).',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TemplateReplyDto)
  template?: TemplateReplyDto;
  @ApiPropertyOptional({
    default: true,
    description:
      "Translate free text into the guest's language when the property's AI concierge runs the openai engine " +
      '(the original is kept with the message). false: send as written.',
  })
  @IsOptional()
  @IsBoolean()
  translate?: boolean;
}

export class NoteDto {
  @ApiProperty() @IsString() @Length(1, 5000) content: string;
}

export class AssignDto {
  @ApiProperty({ format: 'uuid', nullable: true, description: 'null unassigns.' })
  @IsOptional()
  @IsUUID()
  userId: string | null;
}

export class AiModeDto {
  @ApiProperty({ enum: ['auto', 'paused'] }) @IsIn(['auto', 'paused']) mode: 'auto' | 'paused';
}

export class MessageDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['inbound', 'outbound'] }) direction: string;
  @ApiProperty({ enum: ['guest', 'ai', 'staff', 'system'] }) senderType: string;
  @ApiPropertyOptional({ nullable: true }) senderId: string | null;
  @ApiProperty({ description: 'Internal notes are never sent.' }) internal: boolean;
  @ApiProperty() content: string;
  @ApiProperty() contentType: string;
  @ApiProperty({ type: [Object] }) media: object[];
  @ApiPropertyOptional({
    nullable: true,
    description: 'The WhatsApp template sent: { name, language, parameters }.',
  })
  template: { name: string; language: string; parameters: string[] } | null;
  @ApiPropertyOptional({
    nullable: true,
    description: "A guest message in the property's language, for staff: { language, content }.",
  })
  translation: { language: string; content: string } | null;
  @ApiPropertyOptional({
    nullable: true,
    description:
      "A staff reply as written, before it was translated into the guest's language: { language, content }.",
  })
  original: { language: string; content: string } | null;
  @ApiPropertyOptional({ nullable: true, enum: ['pending', 'sent', 'delivered', 'read', 'failed'] })
  deliveryStatus: string | null;
  @ApiPropertyOptional({ nullable: true }) deliveryError: string | null;
  @ApiProperty() createdAt: string;
}

export class ConversationDto {
  @ApiProperty() id: string;
  @ApiProperty() guestId: string;
  @ApiPropertyOptional({ nullable: true }) reservationId: string | null;
  @ApiProperty() channelId: string;
  @ApiProperty({ enum: CHANNEL_TYPES }) channelType: string;
  @ApiProperty({ description: "The guest's address on the channel." }) address: string;
  @ApiProperty({ enum: CONVERSATION_STATES }) state: string;
  @ApiPropertyOptional({ nullable: true }) assignedTo: string | null;
  @ApiProperty({ enum: PRIORITIES }) priority: string;
  @ApiProperty({ enum: ['auto', 'paused'] }) aiMode: string;
  @ApiProperty() unreadCount: number;
  @ApiPropertyOptional({ nullable: true }) lastMessageAt: string | null;
  @ApiPropertyOptional({ nullable: true }) lastInboundAt: string | null;
  @ApiPropertyOptional({ nullable: true }) resolvedAt: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
}

export class ConversationPageDto {
  @ApiProperty({ type: [ConversationDto] }) items: ConversationDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor: string | null;
}

export class MessagePageDto {
  @ApiProperty({ type: [MessageDto], description: 'Newest first.' }) items: MessageDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor: string | null;
}

export class ReplyResultDto {
  @ApiProperty({ type: [MessageDto], description: 'More than one when the text was split for the channel.' })
  messages: MessageDto[];
  @ApiProperty({ type: ConversationDto }) conversation: ConversationDto;
}
