import 'reflect-metadata';
import { runServiceMain } from '@itsm/runtime';
import { knowledgeApp } from './service-definition';

runServiceMain(knowledgeApp);
