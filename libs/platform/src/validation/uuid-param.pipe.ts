import { ParseUUIDPipe } from '@nestjs/common';

import { ValidationFailedException } from '../errors/app-exception';

/** `@Param('id', UuidParam)`: a malformed id is a 400 validation_failed problem. */
export const UuidParam = new ParseUUIDPipe({
  exceptionFactory: () =>
    new ValidationFailedException([{ field: 'path', code: 'isUuid', message: 'a path id must be a UUID' }]),
});
