import { ApiProperty } from '@nestjs/swagger';

import { CreateKnowledgeDto } from './knowledge.dto';

/** An organization-wide entry: its fields, and how many properties hold a copy. */
export class GroupKnowledgeDto extends CreateKnowledgeDto {
  @ApiProperty() id: string;
  @ApiProperty() organizationId: string;
  @ApiProperty() version: number;
  @ApiProperty({ description: 'Properties of the organization holding a copy.' }) properties: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}
