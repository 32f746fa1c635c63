import Type from 'typebox';
import { rtspTransportSchema } from '../sources/config.schema.ts';

/** Camera ingest settings (owned by src/video/ingest). Defaults meet the 5 s fault/recovery budget. */
export const IngestConfigSchema = Type.Object(
  {
    detectFps: Type.Number({
      exclusiveMinimum: 0,
      maximum: 30,
      default: 3,
      description:
        'frames per second sampled for detection and health; a little above detect.scheduler.activeFps (2) so a fresh frame waits when a camera falls due (at exactly 2, sampling jitter holds cameras under 2 detections/s: bench:detect)',
    }),
    width: Type.Integer({ minimum: 64, maximum: 3840, default: 640 }),
    height: Type.Integer({ minimum: 64, maximum: 2160, default: 360 }),
    rtspTransport: rtspTransportSchema(
      "The default for every camera; a camera's own rtspTransport overrides it",
      { default: 'tcp' },
    ),
    timeoutMs: Type.Integer({
      minimum: 1000,
      maximum: 60_000,
      default: 5000,
      description: 'ffmpeg socket timeout: a silent camera is dropped after this long',
    }),
    keyframesOnly: Type.Boolean({
      default: false,
      description:
        'decode keyframes only (about a third of the CPU; samples at most at the keyframe rate, and a stop is noticed after twice the keyframe interval, at most 10 s)',
    }),
    idleKeyframesOnly: Type.Boolean({
      default: true,
      description:
        'decode keyframes only while a camera has been idle (no active permit, no person for detect.scheduler.peopleHoldMs, no motion for detect.scheduler.motionHoldMs) for idleKeyframesAfterSeconds, every frame again the moment it moves, shows a person or gets a permit; switched make-before-break, so health never sees a gap. 70 % less decoding CPU per idle camera (bench:ingest-idle). An idle camera is then sampled at most at its keyframe rate, and a stall on it is noticed after twice its keyframe interval (at most 10 s) instead of 1.5 s. Only with detection on',
    }),
    idleKeyframesAfterSeconds: Type.Integer({
      minimum: 1,
      maximum: 3600,
      default: 120,
      description:
        'how long a camera must stay idle before it decodes keyframes only: each switch restarts its decoder (a spawn, an RTSP handshake, two decoders during the handover), which costs more than minutes of keyframes-only saves on a quiet scene; with a 5 s settle, a mix of 12 idle cameras moving every 28 s used 0.39 + 0.77 cores against 0.23 + 0.47 without switching (bench:detect, src/vision/detect/README.md)',
    }),
    frameBuffers: Type.Union([Type.Literal('pooled'), Type.Literal('fresh')], {
      default: 'pooled',
      description:
        'pooled: decoded frames are read through a socket into reused buffers, lent to detection and copied by evidence (far less garbage collection on the main thread: src/vision/detect/README.md); fresh: a pipe and a new buffer for every frame, as before',
    }),
    decoderNice: Type.Integer({
      minimum: 0,
      maximum: 19,
      default: 0,
      description:
        'run each camera decoder (ffmpeg) this many nice steps below the service, so the inference workers get a core first when both want one; 0 = same priority',
    }),
    enabled: Type.Boolean({ default: true, description: 'run camera ingest at all' }),
    probeAllowedNetworks: Type.Array(
      Type.String({ pattern: '^[0-9a-fA-F:.]+/[0-9]{1,3}$', description: 'a CIDR block, e.g. 10.20.0.0/16' }),
      {
        default: [],
        description:
          'networks an admin may test a camera URL on (POST /api/live/probe with a url) besides the host:port of a configured camera; hostnames are accepted only as a configured camera names them',
      },
    ),
  },
  { additionalProperties: false, default: {} },
);
