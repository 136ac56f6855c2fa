import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';

import { PROPERTY_ROLES, type PropertyRole } from '../../tenancy/tenant-context';
import { NormalizeEmail, PASSWORD_MAX, PASSWORD_MIN, Trim } from '../../validation/validators';

export class InviteStaffDto {
  @ApiProperty({ example: 'joao@miramar.example' })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'João Reis' })
  @Trim()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: PROPERTY_ROLES })
  @IsIn(PROPERTY_ROLES)
  role: PropertyRole;

  @ApiPropertyOptional({ example: 'housekeeping', nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 50)
  department?: string;

  @ApiPropertyOptional({
    format: 'password',
    description: 'Initial password; required when the email has no account yet, refused otherwise.',
  })
  @IsOptional()
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  password?: string;
}

export class UpdateStaffDto {
  @ApiPropertyOptional({ enum: PROPERTY_ROLES })
  @IsOptional()
  @IsIn(PROPERTY_ROLES)
  role?: PropertyRole;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 50)
  department?: string;

  @ApiPropertyOptional({ description: "false ends the membership and revokes the user's refresh tokens." })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class StaffMemberDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty() role: string;
  @ApiPropertyOptional({ nullable: true, type: String }) department: string | null;
  @ApiProperty() active: boolean;
  @ApiProperty({ enum: ['organization', 'property'] }) scope: 'organization' | 'property';
}
