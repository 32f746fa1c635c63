import type { Command } from '../src/cli/commands.ts';
import { parseChipsSimArgs, startChipsSim } from './chips-sim.ts';

const USAGE = `模拟焊机芯片与门锁, 经 MQTT 与服务通信 (simulate welding-machine chips and padlocks over MQTT)
usage: jianhu sim chips --site SITE --machine ID [--lock ID] [--url mqtt://127.0.0.1:1883]
       [--scenario demo|no-permit|lock-breach] [--authorisation TOKEN] [--interval-ms 1000] [--ticks 10]
       [--ca broker-ca.pem]
  credentials 设备凭据 (from POST /api/machines/:id/mqtt-credential, /api/locks/:id/mqtt-credential):
    JIANHU_MACHINE_SECRET, JIANHU_LOCK_SECRET in the environment (username and client id: machine:<id>, lock:<id>)
  demo: power on with the scan's authorisation, weld, power off; a lock opens when the service sends unlock
  no-permit: current with no authorisation (the service flags 无票动火)
  lock-breach: the lock opens without a grant (the service flags it)
`;

/** `jianhu sim chips …`: the chip and padlock simulator (streams-sim/chips-sim.ts). */
export const simChipsCommand: Command = {
  summary: 'simulate welding-machine chips and locks over MQTT 模拟焊机芯片与门锁',
  usage: USAGE,
  async run(args) {
    let opts;
    try {
      opts = parseChipsSimArgs(args);
    } catch (e) {
      process.stderr.write(`jianhu sim chips: ${(e as Error).message}\n${USAGE}`);
      return 2;
    }
    let sim;
    try {
      sim = await startChipsSim(opts);
    } catch (e) {
      process.stderr.write(
        `jianhu sim chips: cannot reach ${opts.url} 无法连接 MQTT: ${(e as Error).message}\n`,
      );
      return 1;
    }
    try {
      await sim.done;
      // give the lock a moment to act on a late unlock command before leaving
      await new Promise((r) => setTimeout(r, opts.intervalMs));
      return 0;
    } finally {
      await sim.stop();
    }
  },
};
