import { ApiProblems, Public } from '@app/platform';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Ip,
  type MessageEvent,
  Post,
  Query,
  Sse,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { from, type Observable, switchMap } from 'rxjs';

import { OpenWebchatDto, WebchatMessageDto, WebchatSessionDto } from '../dtos/webchat.dto';
import { WebchatService } from '../services/webchat.service';

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
    @Ip() ip: string,
  ): Promise<WebchatSessionDto> {
    return this.webchat.openSession(dto.widgetKey, origin, ip);
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

  @Post('typing')
  @Public()
  @HttpCode(204)
  @ApiHeader({ name: 'Authorization', required: true, description: 'Bearer <session token>' })
  @ApiOperation({ summary: 'The visitor is typing (staff see it live; send every few seconds while typing)' })
  @ApiNoContentResponse()
  async typing(@Headers('authorization') auth: string | undefined): Promise<void> {
    await this.webchat.typing(await this.webchat.session(bearer(auth)));
  }

  @Get('events')
  @Sse()
  @Public()
  @ApiOperation({
    summary: 'Replies as server-sent events (token in Authorization, or ?token= for EventSource)',
  })
  @ApiOkResponse({
    description:
      'text/event-stream: `message` { id, content, sentAt } for each reply, `typing` { sender } while ' +
      'staff write one, `ping` every 25 s.',
  })
  events(
    @Headers('authorization') auth: string | undefined,
    @Query('token') token: string | undefined,
  ): Observable<MessageEvent> {
    return from(this.webchat.session(bearer(auth) ?? token)).pipe(
      switchMap((session) => this.webchat.events(session)),
    );
  }
}
