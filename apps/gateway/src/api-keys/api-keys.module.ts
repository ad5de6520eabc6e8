import { Module } from '@nestjs/common';
import { ApiKeyStore } from './api-key.store';
import { ApiKeysController } from './api-keys.controller';

/** API keys for machine clients: their routes, and the store every replica checks requests against. */
@Module({ controllers: [ApiKeysController], providers: [ApiKeyStore], exports: [ApiKeyStore] })
export class ApiKeysModule {}
