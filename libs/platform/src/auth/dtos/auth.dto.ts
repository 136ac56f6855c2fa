import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsEmail,
  IsNotEmptyObject,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

import {
  IsIanaTimezone,
  NormalizeEmail,
  PASSWORD_MAX,
  PASSWORD_MIN,
  PROPERTY_CODE,
  Trim,
} from '../../validation/validators';

export class SignupOrganizationDto {
  @ApiProperty({ example: 'Atlantic Hotels Group', maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  name: string;
}

export class SignupPropertyDto {
  @ApiProperty({ example: 'Hotel Miramar', maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({
    example: 'miramar-lisbon',
    description: 'Unique, URL-safe: lower-case letters, digits and dashes.',
  })
  @IsString()
  @Matches(PROPERTY_CODE, { message: 'code must be 1-50 lower-case letters, digits or inner dashes' })
  code: string;

  @ApiProperty({ example: 'Europe/Lisbon', description: 'IANA time zone of the property.' })
  @IsIanaTimezone()
  timezone: string;
}

export class SignupOwnerDto {
  @ApiProperty({ example: 'Ana Duarte' })
  @Trim()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'ana@miramar.example', description: 'Stored lower-case; globally unique.' })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, format: 'password' })
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  password: string;
}

export class SignupDto {
  @ApiProperty({ type: SignupOrganizationDto })
  @IsDefined()
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => SignupOrganizationDto)
  organization: SignupOrganizationDto;

  @ApiProperty({ type: SignupPropertyDto })
  @IsDefined()
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => SignupPropertyDto)
  property: SignupPropertyDto;

  @ApiProperty({ type: SignupOwnerDto })
  @IsDefined()
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => SignupOwnerDto)
  owner: SignupOwnerDto;
}

export class LoginDto {
  @ApiProperty({ example: 'ana@miramar.example' })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, PASSWORD_MAX)
  password: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from the last login or refresh; single use.' })
  @IsString()
  @Length(1, 200)
  refreshToken: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'JWT (HS256) for the Authorization: Bearer header.' })
  accessToken: string;

  @ApiProperty({ description: 'Opaque, single-use; rotate it with POST /api/v1/auth/refresh.' })
  refreshToken: string;

  @ApiProperty({ description: 'Access-token lifetime in seconds.', example: 900 })
  expiresIn: number;

  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';
}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
}

export class OrganizationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

export class PropertySummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty() name: string;
  @ApiProperty() code: string;
  @ApiProperty() timezone: string;
}

export class SignupResponseDto extends TokenPairDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({ type: OrganizationDto }) organization: OrganizationDto;
  @ApiProperty({ type: PropertySummaryDto }) property: PropertySummaryDto;
}

export class MembershipDto {
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) propertyId: string | null;
  @ApiProperty({
    enum: ['owner', 'admin', 'manager', 'front_desk', 'concierge', 'housekeeping', 'maintenance'],
  })
  role: string;
  @ApiPropertyOptional({ nullable: true, type: String }) department: string | null;
}

export class AccessiblePropertyDto extends PropertySummaryDto {
  @ApiProperty({ type: [String], description: 'Your roles in this property (org-wide roles included).' })
  roles: string[];
}

export class MeDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({ type: [MembershipDto] }) memberships: MembershipDto[];
  @ApiProperty({ type: [AccessiblePropertyDto] }) properties: AccessiblePropertyDto[];
}
