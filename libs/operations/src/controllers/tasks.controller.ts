import {
  ApiProblems,
  Audited,
  CurrentAccess,
  Permission,
  type PropertyAccess,
  RequirePermissions,
  UuidParam,
} from '@app/platform';
import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import {
  AssignTaskDto,
  CompleteTaskDto,
  CreateTaskDto,
  ListTasksQueryDto,
  TaskDto,
  TaskPageDto,
  TaskStatsDto,
  TaskStatsQueryDto,
  UpdateTaskDto,
} from '../dtos/task.dto';
import { TasksService } from '../services/tasks.service';

type P = PropertyAccess;

@ApiTags('tasks')
@ApiProblems(400, 401, 403, 404, 409, 503)
@ApiBearerAuth()
@Controller({ path: 'properties/:propertyId/tasks', version: '1' })
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @RequirePermissions(Permission.TaskWork)
  @ApiOperation({ summary: 'Department queues, urgent first then by due time (department staff: their own)' })
  @ApiOkResponse({ type: TaskPageDto })
  list(@Param('propertyId', UuidParam) _p: string, @CurrentAccess() a: P, @Query() q: ListTasksQueryDto) {
    return this.tasks.list(a, q);
  }

  @Post()
  @RequirePermissions(Permission.TaskManage)
  @Audited('task.create', 'task')
  @ApiOperation({ summary: "Create a task; due time defaults from its priority and the property's settings" })
  @ApiCreatedResponse({ type: TaskDto })
  create(@Param('propertyId', UuidParam) _p: string, @CurrentAccess() a: P, @Body() dto: CreateTaskDto) {
    return this.tasks.create(a, dto);
  }

  @Get('stats')
  @RequirePermissions(Permission.TaskWork)
  @ApiOperation({ summary: 'Open tasks per department and priority, overdue, median time to complete' })
  @ApiOkResponse({ type: TaskStatsDto })
  stats(@Param('propertyId', UuidParam) _p: string, @CurrentAccess() a: P, @Query() q: TaskStatsQueryDto) {
    return this.tasks.stats(a, q);
  }

  @Get(':taskId')
  @RequirePermissions(Permission.TaskWork)
  @ApiOperation({ summary: 'One task' })
  @ApiOkResponse({ type: TaskDto })
  get(
    @Param('propertyId', UuidParam) _p: string,
    @Param('taskId', UuidParam) id: string,
    @CurrentAccess() a: P,
  ) {
    return this.tasks.get(a, id);
  }

  @Patch(':taskId')
  @RequirePermissions(Permission.TaskManage)
  @Audited('task.update', 'task', 'taskId')
  @ApiOperation({ summary: 'Edit a task (send the version you read)' })
  @ApiOkResponse({ type: TaskDto })
  update(
    @Param('propertyId', UuidParam) _p: string,
    @Param('taskId', UuidParam) id: string,
    @CurrentAccess() a: P,
    @Body() dto: UpdateTaskDto,
  ) {
    return this.tasks.update(a, id, dto);
  }

  @Post(':taskId/assign')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.TaskManage)
  @Audited('task.assign', 'task', 'taskId')
  @ApiOperation({ summary: 'Assign to a staff member (pending or assigned → assigned)' })
  @ApiOkResponse({ type: TaskDto })
  assign(
    @Param('propertyId', UuidParam) _p: string,
    @Param('taskId', UuidParam) id: string,
    @CurrentAccess() a: P,
    @Body() dto: AssignTaskDto,
  ) {
    return this.tasks.assign(a, id, dto.userId);
  }

  @Post(':taskId/claim')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.TaskWork)
  @Audited('task.claim', 'task', 'taskId')
  @ApiOperation({ summary: 'Assign to yourself' })
  @ApiOkResponse({ type: TaskDto })
  claim(
    @Param('propertyId', UuidParam) _p: string,
    @Param('taskId', UuidParam) id: string,
    @CurrentAccess() a: P,
  ) {
    return this.tasks.claim(a, id);
  }

  @Post(':taskId/start')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.TaskWork)
  @Audited('task.start', 'task', 'taskId')
  @ApiOperation({ summary: 'Start (assigned → in_progress)' })
  @ApiOkResponse({ type: TaskDto })
  start(
    @Param('propertyId', UuidParam) _p: string,
    @Param('taskId', UuidParam) id: string,
    @CurrentAccess() a: P,
  ) {
    return this.tasks.start(a, id);
  }

  @Post(':taskId/complete')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.TaskWork)
  @Audited('task.complete', 'task', 'taskId')
  @ApiOperation({ summary: 'Complete (assigned or in_progress → completed)' })
  @ApiOkResponse({ type: TaskDto })
  complete(
    @Param('propertyId', UuidParam) _p: string,
    @Param('taskId', UuidParam) id: string,
    @CurrentAccess() a: P,
    @Body() dto: CompleteTaskDto,
  ) {
    return this.tasks.complete(a, id, dto.completionNotes);
  }

  @Post(':taskId/cancel')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.TaskManage)
  @Audited('task.cancel', 'task', 'taskId')
  @ApiOperation({ summary: 'Cancel an open task' })
  @ApiOkResponse({ type: TaskDto })
  cancel(
    @Param('propertyId', UuidParam) _p: string,
    @Param('taskId', UuidParam) id: string,
    @CurrentAccess() a: P,
  ) {
    return this.tasks.cancel(a, id);
  }

  @Post(':taskId/reopen')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.TaskManage)
  @Audited('task.reopen', 'task', 'taskId')
  @ApiOperation({ summary: 'Reopen a completed or cancelled task (back to assigned, or pending)' })
  @ApiOkResponse({ type: TaskDto })
  reopen(
    @Param('propertyId', UuidParam) _p: string,
    @Param('taskId', UuidParam) id: string,
    @CurrentAccess() a: P,
  ) {
    return this.tasks.reopen(a, id);
  }
}
