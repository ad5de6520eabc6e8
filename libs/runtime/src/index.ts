export * from './service-config';
export * from './runtime.module';
export * from './bootstrap';
export * from './service-definition';
export * from './validation-rules';
export * from './nats-security';
