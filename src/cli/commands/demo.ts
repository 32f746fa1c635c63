import { startSim } from '../../../streams-sim/index.ts';
import { startServiceOrExplain } from './serve.ts';
import type { Command } from '../commands.ts';
import { loadCommandConfig, parseCommandArgs } from './command-input.ts';

/**
 * `jianhu demo`: the service's main job on embedded defaults — a simulated camera fleet over real
 * RTSP (streams-sim), the embedded MQTT broker, a SQLite file, the real models — with config/demo.yaml.
 * Runs until Ctrl-C, then stops the service before the cameras.
 */
export const demoCommand: Command = {
  summary: 'demo: simulated cameras + the service 演示 (--config FILE, default config/demo.yaml)',
  usage:
    'usage: jianhu demo [--config FILE] [--rtsp-port PORT]\n' +
    '  simulated RTSP cameras + the whole service, until Ctrl-C 模拟摄像头加完整服务, Ctrl-C 结束\n' +
    '  --config FILE     the config file 配置文件 (default config/demo.yaml)\n' +
    '  --rtsp-port PORT  port of the simulated cameras 模拟摄像头端口 (default 8554)\n',
  async run(args) {
    const parsed = parseCommandArgs('demo', demoCommand.usage, {
      args,
      options: {
        config: { type: 'string', default: 'config/demo.yaml' },
        'rtsp-port': { type: 'string', default: '8554' },
      },
    });
    if (!parsed) return 2;
    const { values } = parsed;
    const config = loadCommandConfig(values.config);
    if ('error' in config) {
      process.stderr.write(config.error + 'nothing was started 未启动任何服务\n');
      return 2;
    }
    const cameraIds = config.sites.flatMap((s) => s.cameras.map((c) => c.id));
    const sim = await startSim({ cameras: cameraIds, port: Number(values['rtsp-port']), controlPort: 8555 });
    let service;
    try {
      service = await startServiceOrExplain(config);
    } catch (e) {
      await sim.stop();
      throw e;
    }
    if (!service) {
      await sim.stop();
      return 2;
    }
    const base = service.url.replace('0.0.0.0', '127.0.0.1');
    process.stdout.write(
      [
        '',
        '监护 jianhu demo 已启动 / started',
        `  界面 UI:        ${base}/ui/`,
        ...(service.httpsUrl
          ? [
              `  手机 phones:    ${service.services.tls.publicBaseUrl()}/ui/phone.html  (HTTPS)`,
              `  证书指纹 SHA-256: ${service.services.tls.info?.fingerprintSha256 ?? '—'}`,
            ]
          : []),
        `  API 文档 docs:  ${base}/docs`,
        `  健康 health:    ${base}/healthz`,
        `  摄像头 cameras: ${cameraIds.map((id) => sim.url(id)).join(' ')}`,
        `  故障注入 faults: npx jianhu sim fault --control ${sim.controlUrl} cam1 black`,
        `  用户 users:     ${config.users.map((u) => `${u.username}/${u.password ?? '(hash)'}`).join('  ')}`,
        '  Ctrl-C 停止 / stop',
        '',
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await service.stop();
    await sim.stop();
    return 0;
  },
};
