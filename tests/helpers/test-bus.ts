import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../src/config/load.ts';
import { DeviceRegistry } from '../../src/platform/mqtt/device-registry.ts';
import { createMqttBus, type MqttBus } from '../../src/platform/mqtt/mqtt-bus.ts';
import { systemClock } from '../../src/platform/shared/clock.ts';
import { createLogger } from '../../src/platform/shared/logger.ts';
import { openDb } from '../../src/platform/store/db.ts';
import { migrate } from '../../src/platform/store/migrate.ts';
import { testConfigInput } from './test-service.ts';

/**
 * The service's MQTT connection on its own embedded broker, outside a whole service: a temp data dir
 * (the service's broker secret lands there) and an in-memory device registry.
 */
export async function startTestBus(
  mqtt: Record<string, unknown> = {},
): Promise<MqttBus & { devices: DeviceRegistry }> {
  const dir = mkdtempSync(join(tmpdir(), 'jianhu-bus-'));
  const config = validateConfig(
    testConfigInput(dir, { mqtt: { embedded: true, host: '127.0.0.1', port: 0, ...mqtt } }),
  );
  const db = openDb(':memory:');
  migrate(db);
  const devices = new DeviceRegistry(db, systemClock);
  const bus = await createMqttBus(config, { logger: createLogger('silent'), devices });
  return {
    url: bus.url,
    publish: (t, p) => bus.publish(t, p),
    subscribe: (f, h) => bus.subscribe(f, h),
    connected: () => bus.connected(),
    devices,
    async close() {
      await bus.close();
      db.close();
    },
  };
}
