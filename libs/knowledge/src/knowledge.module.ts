import { Module } from '@nestjs/common';

import { KnowledgeController } from './controllers/knowledge.controller';
import { EntriesRepository } from './repositories/entries.repository';
import { KnowledgeService } from './services/knowledge.service';

/** The `knowledge` bounded context: the hotel's versioned knowledge entries (`knowledge` schema). */
@Module({
  controllers: [KnowledgeController],
  providers: [EntriesRepository, KnowledgeService],
})
export class KnowledgeModule {}
