import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';

import { PROBLEM_CONTENT_TYPE } from './problem';

export class FieldErrorDto {
  @ApiProperty({ example: 'owner.email' }) field: string;
  @ApiPropertyOptional({ example: 'isEmail' }) code?: string;
  @ApiProperty({ example: 'email must be an email' }) message: string;
}

/** RFC 9457 problem details, as every error of this API is answered. */
export class ProblemDto {
  @ApiProperty({ example: 'https://docs.butler.dev/problems/validation_failed' }) type: string;
  @ApiProperty({ example: 'Validation failed' }) title: string;
  @ApiProperty({ example: 400 }) status: number;
  @ApiProperty({ example: 'The request is not valid.' }) detail: string;
  @ApiProperty({ example: 'validation_failed', description: 'Stable, machine-readable error code.' })
  code: string;
  @ApiPropertyOptional({ description: 'The request id (X-Request-Id).' }) correlationId?: string;
  @ApiPropertyOptional({ example: '/api/v1/auth/signup' }) instance?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Field problems (validation_failed only).' })
  errors?: FieldErrorDto[];
  @ApiPropertyOptional({ description: 'Reference of an unexpected failure (500 only), as logged.' })
  errorId?: string;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'validation_failed or malformed_body',
  401: 'missing, invalid or expired access token (token_invalid, token_expired, session_ended)',
  403: 'property_forbidden (no role in this property) or forbidden (role lacks the permission)',
  404: 'the object does not exist in this property',
  409: 'conflict with existing data (see code)',
  413: 'payload_too_large',
  429: 'rate_limited (see Retry-After)',
  503: 'database_unavailable or dependency_unavailable (see Retry-After); nothing was saved',
};

/** Documents the problem+json answers a controller or route can give. */
export const ApiProblems = (...statuses: number[]) =>
  applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'error',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
