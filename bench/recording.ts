/**
 * npm run bench:recording [-- --cameras N --seconds S]
 * CPU of recording by permit: N streams-sim cameras (cam1 the factory clip when present, else test
 * patterns; 640x360, 25 fps H.264) recorded through the real fMP4 relay (ffmpeg -c copy, one per
 * camera) by the real recorder (segments written, sha256, events chained in SQLite). Prints CPU
 * seconds per camera-second (the ffmpeg stream copy, and this process: splitter, writer, hash, store)
 * and the recorded bitrate; ends with one JSON line.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../src/platform/shared/clock.ts';
import { cameraSource } from '../src/video/sources/camera-source.ts';
import { RelayFeed } from '../src/video/relay/relay-feed.ts';
import { RecordingRepo } from '../src/video/recording/recording.repo.ts';
import { RecordingService } from '../src/video/recording/recording.service.ts';
import { startSim } from '../streams-sim/index.ts';
import { sleep, startBenchPlatform } from './bench-platform.ts';
import { childrenOf, cpuSecondsOfAll, pidsWith } from './proc-cpu.ts';

const { values } = parseArgs({
  options: { cameras: { type: 'string', default: '2' }, seconds: { type: 'string', default: '30' } },
});
const N = Number(values.cameras);
const SECONDS = Number(values.seconds);

const sim = await startSim({ cameras: N });
const bench = await startBenchPlatform(
  sim.cameras.map((id) => ({ id, name: id, url: sim.url(id) })),
  { recording: { segmentSeconds: 10, preRollSeconds: 0, postRollSeconds: 0 } },
  'jianhu-bench-rec-',
);
const { config, core: platform, dir } = bench;
const relay = new RelayFeed((id) => {
  const cam = config.sites[0]!.cameras.find((c) => c.id === id);
  return cam ? cameraSource(cam, config.ingest, 'record') : null;
}, platform.logger);
const repo = new RecordingRepo(platform.db);
const recorder = new RecordingService({
  config: config.recording,
  dir: join(dir, 'recordings'),
  dataDir: dir,
  repo,
  bus: platform.bus,
  clock: systemClock,
  logger: platform.logger,
  feed: relay,
  // one open permit naming every camera (the permit workflow itself is not what is measured)
  openPermits: () => [{ permitId: 'bench', cameraIds: sim.cameras }],
  cameras: () => sim.cameras,
  placeOf: () => ({ siteId: 's', enterpriseId: 'e' }),
});
recorder.start();
await sleep(8000); // ffmpeg started, first keyframes in
// The relay's ffmpeg processes only (the fMP4 marker). This process's other child is the simulator's
// RTSP server (GStreamer, serving every camera): counting all children, as this bench once did, put
// the simulator's CPU into "ffmpeg stream copy" (reported as `allChildrenCorePctPerCamera`).
const children = childrenOf(process.pid);
const ff = pidsWith('frag_keyframe', 'pipe:1').filter((p) => children.includes(p));
const ff0 = cpuSecondsOfAll(ff);
const all0 = cpuSecondsOfAll(children);
const me0 = process.cpuUsage();
const bytes0 = platform.db.prepare('SELECT COALESCE(SUM(bytes),0) AS b FROM recording_segments').get() as {
  b: number;
};
await sleep(SECONDS * 1000);
const ffCpu = cpuSecondsOfAll(ff) - ff0;
const allCpu = cpuSecondsOfAll(children) - all0;
const me = process.cpuUsage(me0);
const nodeCpu = (me.user + me.system) / 1e6;
recorder.stop(); // closes the open segments
const bytes1 = platform.db.prepare('SELECT COALESCE(SUM(bytes),0) AS b FROM recording_segments').get() as {
  b: number;
};
const segments = (platform.db.prepare('SELECT COUNT(*) AS n FROM recording_segments').get() as { n: number })
  .n;
relay.close();
bench.close();
await sim.stop();

const camSeconds = N * SECONDS;
const result = {
  bench: 'recording',
  cameras: N,
  seconds: SECONDS,
  ffmpegCorePctPerCamera: Math.round((10000 * ffCpu) / camSeconds) / 100,
  nodeCorePctPerCamera: Math.round((10000 * nodeCpu) / camSeconds) / 100,
  totalCorePctPerCamera: Math.round((10000 * (ffCpu + nodeCpu)) / camSeconds) / 100,
  relayProcesses: ff.length,
  allChildrenCorePctPerCamera: Math.round((10000 * allCpu) / camSeconds) / 100,
  recordedKbitPerCamera: Math.round(((bytes1.b - bytes0.b) * 8) / 1000 / (camSeconds + 8 * N)),
  segments,
};
console.log(
  `${N} camera(s), ${SECONDS} s: ffmpeg stream copy ${result.ffmpegCorePctPerCamera} % of a core per camera, ` +
    `this process (splitter, writer, sha256, SQLite) ${result.nodeCorePctPerCamera} %, total ${result.totalCorePctPerCamera} %` +
    ` (all children, the simulator's RTSP server included: ${result.allChildrenCorePctPerCamera} %); ` +
    `≈ ${result.recordedKbitPerCamera} kbit/s recorded per camera, ${segments} segments`,
);
console.log(JSON.stringify(result));
