import Type from 'typebox';

const RTSP_TRANSPORT =
  'RTSP lower transport: tcp (interleaved, survives loss and NAT), udp, or auto (no flag: ffmpeg tries UDP, then falls back to TCP). Honoured by ingest, the live view, the probe and the evidence ring';

/** RTSP lower transport, per camera (sites[].cameras[].rtspTransport) or for all (ingest.rtspTransport). */
export function rtspTransportSchema(note: string, options: { default?: 'tcp' | 'udp' | 'auto' } = {}) {
  return Type.Union([Type.Literal('tcp'), Type.Literal('udp'), Type.Literal('auto')], {
    ...options,
    description: `${RTSP_TRANSPORT}. ${note}`,
  });
}
