import { FAULT_KINDS, isFaultKind, startSim } from '../../../streams-sim/index.ts';
import type { Command } from '../commands.ts';
import { parseCommandArgs } from './command-input.ts';

/**
 * `jianhu sim --cameras N --port P [--control-port C]`: the simulated camera fleet over real RTSP,
 * running until stopped. `jianhu sim fault --control URL CAM KIND`: inject a fault through its control API.
 */
export const simCommand: Command = {
  summary: 'simulated RTSP cameras 模拟摄像头 (--cameras N --port P [--control-port C])',
  usage:
    'usage: jianhu sim [--cameras N] [--port P] [--control-port C]\n' +
    '  a fleet of simulated RTSP cameras until Ctrl-C 模拟 RTSP 摄像头, Ctrl-C 结束\n' +
    '  --cameras N         how many cameras 摄像头数量, 1..64 (default 4)\n' +
    '  --port P            RTSP port 端口 (default 8554)\n' +
    '  --control-port C    fault-injection HTTP API 故障注入接口 (default 8555)\n' +
    'subcommands 子命令: jianhu sim fault --help, jianhu sim chips --help\n',
  async run(args) {
    const parsed = parseCommandArgs('sim', simCommand.usage, {
      args,
      options: {
        cameras: { type: 'string', default: '4' },
        port: { type: 'string', default: '8554' },
        'control-port': { type: 'string', default: '8555' },
      },
    });
    if (!parsed) return 2;
    const { values } = parsed;
    const cameras = Number(values.cameras);
    const port = Number(values.port);
    const controlPort = Number(values['control-port']);
    if (
      !Number.isInteger(cameras) ||
      cameras < 1 ||
      cameras > 64 ||
      !validPort(port) ||
      !validPort(controlPort)
    ) {
      process.stderr.write('jianhu sim: --cameras 1..64, ports 0..65535 (参数无效)\n');
      return 2;
    }
    const sim = await startSim({ cameras, port, controlPort });
    for (const id of sim.cameras) process.stdout.write(`${id} ${sim.url(id)}\n`);
    process.stdout.write(
      `control ${sim.controlUrl}  (jianhu sim fault --control ${sim.controlUrl} cam1 black)\n`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await sim.stop();
    return 0;
  },
};

export const simFaultCommand: Command = {
  summary: `inject a camera fault 注入故障 (--control URL CAM ${FAULT_KINDS.join('|')})`,
  usage:
    `usage: jianhu sim fault --control URL CAM (${FAULT_KINDS.join('|')})\n` +
    '  injects a fault into camera CAM of a running `jianhu sim` 向运行中的模拟摄像头注入故障\n' +
    "  --control URL  the simulator's control API 控制接口, e.g. http://127.0.0.1:8555\n" +
    'exit 1 simulator unreachable 无法连接, 2 bad usage or unknown camera 参数错误或摄像头不存在\n',
  async run(args) {
    const parsed = parseCommandArgs('sim fault', simFaultCommand.usage, {
      args,
      options: { control: { type: 'string' } },
      allowPositionals: true,
    });
    if (!parsed) return 2;
    const [cam, kind] = parsed.positionals;
    const control = parsed.values.control;
    if (!control || !cam || !kind || parsed.positionals.length !== 2 || !isFaultKind(kind)) {
      process.stderr.write(`usage: jianhu sim fault --control URL CAM (${FAULT_KINDS.join('|')}) 参数无效\n`);
      return 2;
    }
    let res: Response;
    try {
      res = await fetch(`${control.replace(/\/$/, '')}/cameras/${encodeURIComponent(cam)}/fault`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind }),
      });
    } catch (e) {
      process.stderr.write(`jianhu sim fault: cannot reach ${control} (无法连接): ${(e as Error).message}\n`);
      return 1;
    }
    const body = await res.text();
    if (!res.ok) {
      process.stderr.write(`jianhu sim fault: ${res.status} ${body}\n`);
      return res.status === 404 || res.status === 400 ? 2 : 1;
    }
    process.stdout.write(`${body}\n`);
    return 0;
  },
};

const validPort = (p: number) => Number.isInteger(p) && p >= 0 && p <= 65535;
