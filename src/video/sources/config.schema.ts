import Type from 'typebox';

const RTSP_TRANSPORT =
  'RTSP lower transport: tcp (interleaved, survives loss and NAT), udp, or auto (TCP first; over UDP when the camera answers 461/400 to TCP, remembered until the camera next fails). Honoured by ingest, the live view, the probe and the evidence ring; a refusal when forced to tcp or udp shows in camera health as transport_unsupported';

/** RTSP lower transport, per camera (sites[].cameras[].rtspTransport) or for all (ingest.rtspTransport). */
export function rtspTransportSchema(note: string, options: { default?: 'tcp' | 'udp' | 'auto' } = {}) {
  return Type.Union([Type.Literal('tcp'), Type.Literal('udp'), Type.Literal('auto')], {
    ...options,
    description: `${RTSP_TRANSPORT}. ${note}`,
  });
}
