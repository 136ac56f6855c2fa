import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';

export class AuditLogQueryDto {
  @ApiPropertyOptional({ enum: ['staff', 'system', 'guest'] })
  @IsOptional()
  @IsIn(['staff', 'system', 'guest'])
  actorType?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() actorId?: string;
  @ApiPropertyOptional({ example: 'auth.login' }) @IsOptional() @IsString() @Length(1, 80) action?: string;
  @ApiPropertyOptional({ example: 'user' }) @IsOptional() @IsString() @Length(1, 50) resourceType?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() resourceId?: string;
  @ApiPropertyOptional({ description: 'Inclusive lower bound (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;
  @ApiPropertyOptional({ description: 'Exclusive upper bound (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}

export class AuditLogEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['staff', 'system', 'guest'] }) actorType: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) actorId: string | null;
  @ApiProperty() action: string;
  @ApiProperty() resourceType: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) resourceId: string | null;
  @ApiPropertyOptional({ nullable: true, type: Object }) details: Record<string, unknown> | null;
  @ApiPropertyOptional({ nullable: true, type: String }) ipAddress: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) userAgent: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) correlationId: string | null;
  @ApiProperty() createdAt: string;
}

export class AuditLogPageDto {
  @ApiProperty({ type: [AuditLogEntryDto] }) items: AuditLogEntryDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor: string | null;
}
