import { ApiProblems, Public } from '@app/platform';
import { Body, Controller, Get, Headers, type MessageEvent, Post, Query, Sse } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { from, type Observable, switchMap } from 'rxjs';

import { WebchatService } from '../services/webchat.service';

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

const bearer = (header: string | undefined) => header?.replace(/^Bearer\s+/i, '') || undefined;

/** The hotel's web chat widget talks to these routes (no staff login: a session token). */
@ApiTags('webchat')
@ApiProblems(400, 401, 403, 404, 429, 503)
@Controller({ path: 'webchat', version: '1' })
export class WebchatController {
  constructor(private readonly webchat: WebchatService) {}

  @Post('sessions')
  @Public()
  @ApiOperation({
    summary: "Open a chat session (the page's Origin must be allowed by the widget's account)",
  })
  @ApiCreatedResponse({ type: WebchatSessionDto })
  open(
    @Body() dto: OpenWebchatDto,
    @Headers('origin') origin: string | undefined,
  ): Promise<WebchatSessionDto> {
    return this.webchat.openSession(dto.widgetKey, origin);
  }

  @Post('messages')
  @Public()
  @ApiHeader({
    name: 'Authorization',
    required: true,
    description: 'Bearer <session token> (not a staff login)',
  })
  @ApiOperation({ summary: 'Send a message (≤ 5,000 characters, ≤ 10 a minute per session)' })
  @ApiCreatedResponse({ description: '{ "id": "…" }' })
  async post(
    @Headers('authorization') auth: string | undefined,
    @Body() dto: WebchatMessageDto,
  ): Promise<{ id: string }> {
    return this.webchat.post(await this.webchat.session(bearer(auth)), dto.content);
  }

  @Get('events')
  @Sse()
  @Public()
  @ApiOperation({
    summary: 'Replies as server-sent events (token in Authorization, or ?token= for EventSource)',
  })
  @ApiOkResponse({ description: 'text/event-stream' })
  events(
    @Headers('authorization') auth: string | undefined,
    @Query('token') token: string | undefined,
  ): Observable<MessageEvent> {
    return from(this.webchat.session(bearer(auth) ?? token)).pipe(
      switchMap((session) => this.webchat.events(session)),
    );
  }
}
