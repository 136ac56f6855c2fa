import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class OpenWebchatDto {
  @ApiProperty({ example: 'wk_3N7…' }) @IsString() @Length(8, 100) widgetKey: string;
}

export class WebchatMessageDto {
  @ApiProperty({ maxLength: 5000 }) @IsString() @Length(1, 5000) content: string;
}

export class WebchatSessionDto {
  @ApiProperty({ description: 'Bearer token for the session (shown once).' }) token: string;
  @ApiProperty() sessionId: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}
