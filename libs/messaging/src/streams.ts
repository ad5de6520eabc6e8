import { DiscardPolicy, nanos, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from 'nats';
import { ALL_DEAD_LETTERS, ALL_EVENTS, DLQ_STREAM, EVENTS_STREAM } from '@itsm/contracts';

export interface StreamSettings {
  replicas: number;
  maxAgeDays: number;
  duplicateWindowSeconds: number;
  maxBytes: number;
}

export function streamConfigs(settings: StreamSettings): Array<Partial<StreamConfig> & { name: string; subjects: string[] }> {
  const common = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: settings.replicas,
    max_age: nanos(settings.maxAgeDays * 24 * 3600 * 1000),
    max_bytes: settings.maxBytes,
    duplicate_window: nanos(settings.duplicateWindowSeconds * 1000),
  };
  return [
    { name: EVENTS_STREAM, subjects: [ALL_EVENTS], description: 'Every event of the ITSM suite (CloudEvents JSON).', ...common },
    { name: DLQ_STREAM, subjects: [ALL_DEAD_LETTERS], description: 'Events a consumer gave up on, with the error.', ...common },
  ];
}

/** Creates the suite's streams, or brings their settings up to date; safe to run from every replica at once. */
export async function ensureStreams(jsm: JetStreamManager, settings: StreamSettings): Promise<void> {
  for (const config of streamConfigs(settings)) {
    try {
      const info = await jsm.streams.info(config.name);
      const current = info.config;
      const changed = (Object.keys(config) as Array<keyof StreamConfig>).some(
        (key) => JSON.stringify(current[key]) !== JSON.stringify(config[key]),
      );
      // The replica count of an existing stream is changed by operators (nats stream edit), never at start.
      if (changed) await jsm.streams.update(config.name, { ...config, num_replicas: current.num_replicas });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await jsm.streams.add(config);
      } catch (addError) {
        // Another process created it between our look-up and our add: the server answers "already in use", or,
        // when it checks the subjects first, "subjects overlap with an existing stream". Either way it is there now.
        const created = await jsm.streams.info(config.name).then(
          () => true,
          () => false,
        );
        if (!created) throw addError;
      }
    }
  }
}

export function isNotFound(error: unknown): boolean {
  const text = String((error as { message?: unknown })?.message ?? error);
  return text.includes('not found') || (error as { code?: unknown })?.code === '404';
}
