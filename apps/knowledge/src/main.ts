import 'reflect-metadata';
import { runServiceMain } from '@itsm/messaging';
import { knowledgeApp } from './app.module';

runServiceMain(knowledgeApp);
