import {
  ApiProblems,
  Audited,
  CurrentAccess,
  Permission,
  type PropertyAccess,
  RequirePermissions,
  UuidParam,
} from '@app/platform';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import {
  CheckInDto,
  CreateReservationDto,
  DayQueryDto,
  DayViewDto,
  ListReservationsQueryDto,
  ReservationDto,
  ReservationPageDto,
  UpdateReservationDto,
} from '../dtos/reservation.dto';
import { ReservationsService } from '../services/reservations.service';

@ApiTags('reservations')
@ApiProblems(400, 401, 403, 404, 409, 503)
@ApiBearerAuth()
@Controller({ path: 'properties/:propertyId/reservations', version: '1' })
export class ReservationsController {
  constructor(private readonly reservations: ReservationsService) {}

  @Get()
  @RequirePermissions(Permission.ReservationRead)
  @ApiOperation({ summary: 'Reservations by arrival date, with filters' })
  @ApiOkResponse({ type: ReservationPageDto })
  list(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() a: PropertyAccess,
    @Query() q: ListReservationsQueryDto,
  ) {
    return this.reservations.list(a, q);
  }

  @Post()
  @RequirePermissions(Permission.ReservationWrite)
  @Audited('reservation.create', 'reservation')
  @ApiOperation({ summary: 'Create a reservation for a guest of this property' })
  @ApiCreatedResponse({ type: ReservationDto })
  create(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() a: PropertyAccess,
    @Body() dto: CreateReservationDto,
  ) {
    return this.reservations.create(a, dto);
  }

  @Get('arrivals')
  @RequirePermissions(Permission.ReservationRead)
  @ApiOperation({ summary: "Arrivals of a date (default: today in the property's time zone)" })
  @ApiOkResponse({ type: DayViewDto })
  arrivals(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() a: PropertyAccess,
    @Query() q: DayQueryDto,
  ) {
    return this.reservations.dayView(a, 'arrivals', q.date);
  }

  @Get('departures')
  @RequirePermissions(Permission.ReservationRead)
  @ApiOperation({ summary: "Departures of a date (default: today in the property's time zone)" })
  @ApiOkResponse({ type: DayViewDto })
  departures(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() a: PropertyAccess,
    @Query() q: DayQueryDto,
  ) {
    return this.reservations.dayView(a, 'departures', q.date);
  }

  @Get('in-house')
  @RequirePermissions(Permission.ReservationRead)
  @ApiOperation({
    summary: "Stays spanning the night of a date (default: today in the property's time zone)",
  })
  @ApiOkResponse({ type: DayViewDto })
  inHouse(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() a: PropertyAccess,
    @Query() q: DayQueryDto,
  ) {
    return this.reservations.dayView(a, 'in-house', q.date);
  }

  @Get(':reservationId')
  @RequirePermissions(Permission.ReservationRead)
  @ApiOperation({ summary: 'One reservation' })
  @ApiOkResponse({ type: ReservationDto })
  get(
    @Param('propertyId', UuidParam) _p: string,
    @Param('reservationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.reservations.get(a, id);
  }

  @Patch(':reservationId')
  @RequirePermissions(Permission.ReservationWrite)
  @Audited('reservation.update', 'reservation', 'reservationId')
  @ApiOperation({
    summary: 'Update a reservation (send the version you read); status changes use the actions',
  })
  @ApiOkResponse({ type: ReservationDto })
  update(
    @Param('propertyId', UuidParam) _p: string,
    @Param('reservationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
    @Body() dto: UpdateReservationDto,
  ) {
    return this.reservations.update(a, id, dto);
  }

  @Delete(':reservationId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RequirePermissions(Permission.ReservationWrite)
  @Audited('reservation.delete', 'reservation', 'reservationId')
  @ApiOperation({ summary: 'Delete a reservation entered by mistake (soft); use cancel for cancellations' })
  @ApiNoContentResponse()
  async remove(
    @Param('propertyId', UuidParam) _p: string,
    @Param('reservationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    await this.reservations.remove(a, id);
  }

  @Post(':reservationId/check-in')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.ReservationWrite)
  @Audited('reservation.check_in', 'reservation', 'reservationId')
  @ApiOperation({ summary: 'Check in (confirmed → checked_in); optionally assign the room' })
  @ApiOkResponse({ type: ReservationDto })
  checkIn(
    @Param('propertyId', UuidParam) _p: string,
    @Param('reservationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
    @Body() dto: CheckInDto,
  ) {
    return this.reservations.act(a, id, 'check_in', dto.roomNumber);
  }

  @Post(':reservationId/check-out')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.ReservationWrite)
  @Audited('reservation.check_out', 'reservation', 'reservationId')
  @ApiOperation({ summary: "Check out (checked_in → checked_out); counts the stay on the guest's profile" })
  @ApiOkResponse({ type: ReservationDto })
  checkOut(
    @Param('propertyId', UuidParam) _p: string,
    @Param('reservationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.reservations.act(a, id, 'check_out');
  }

  @Post(':reservationId/cancel')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.ReservationWrite)
  @Audited('reservation.cancel', 'reservation', 'reservationId')
  @ApiOperation({ summary: 'Cancel (confirmed → cancelled)' })
  @ApiOkResponse({ type: ReservationDto })
  cancel(
    @Param('propertyId', UuidParam) _p: string,
    @Param('reservationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.reservations.act(a, id, 'cancel');
  }

  @Post(':reservationId/no-show')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.ReservationWrite)
  @Audited('reservation.no_show', 'reservation', 'reservationId')
  @ApiOperation({ summary: 'Mark a no-show (confirmed → no_show)' })
  @ApiOkResponse({ type: ReservationDto })
  noShow(
    @Param('propertyId', UuidParam) _p: string,
    @Param('reservationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.reservations.act(a, id, 'no_show');
  }
}
