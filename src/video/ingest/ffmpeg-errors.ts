import { isTransportRefusal, transportAdvice } from '../sources/rtsp-transport.ts';
import type { RtspTransport } from '../sources/types.ts';

/**
 * Turns the tail of ffmpeg's stderr into a machine reason and a sentence (Chinese first), so a bad URL,
 * a wrong password or an unsupported codec reads as exactly that in the camera's health, not "error".
 */
export interface FailureReason {
  reason: string;
  message: string;
}

const RULES: [RegExp, string, string][] = [
  [
    /401 Unauthorized|Unauthorized|authorization failed/i,
    'auth_failed',
    '摄像头拒绝了用户名或密码 Camera rejected the credentials',
  ],
  [/403 Forbidden/i, 'forbidden', '摄像头拒绝访问 Camera refused access'],
  [
    /404 Not Found|Stream not found/i,
    'stream_not_found',
    '摄像头上没有这个码流地址 No such stream on the camera',
  ],
  [/503 Service Unavailable/i, 'unavailable', '摄像头暂不可用 Camera unavailable'],
  [/Connection refused/i, 'connection_refused', '摄像头拒绝连接 Connection refused'],
  [
    /No route to host|Network is unreachable|Host is unreachable/i,
    'unreachable',
    '网络不可达 Camera unreachable',
  ],
  [
    /Name or service not known|Temporary failure in name resolution|Failed to resolve hostname/i,
    'dns_failed',
    '无法解析摄像头主机名 Host name not found',
  ],
  [
    /Connection timed out|timed out|Operation timed out/i,
    'timeout',
    '摄像头无响应（超时） Camera did not answer (timeout)',
  ],
  [
    /Decoder \(codec [^)]*\) not found|Unsupported codec|codec not currently supported|Could not find codec parameters|unspecified size/i,
    'unsupported_codec',
    '不支持的视频编码 Unsupported video codec',
  ],
  [
    /does not contain any stream|Output file #0 does not contain|matches no streams/i,
    'no_video',
    '码流中没有视频 No video in the stream',
  ],
  [/Invalid data found when processing input/i, 'invalid_data', '码流数据无效 Invalid stream data'],
  [/Protocol not found|Invalid argument/i, 'bad_url', '摄像头地址无效 Invalid camera URL'],
  [/No such file or directory/i, 'not_found', '找不到视频源 Source not found'],
];

/**
 * `transport` is the RTSP transport the camera is set to: a server that refuses it (461/400 to SETUP,
 * "Protocol not supported") is `transport_unsupported`, with the advice in words, before any other rule
 * ("Protocol not supported" must not read as a bad URL).
 */
export function classifyFfmpegFailure(
  stderrTail: string,
  opened: boolean,
  transport?: RtspTransport,
): FailureReason {
  if (transport && isTransportRefusal(stderrTail))
    return { reason: 'transport_unsupported', message: transportAdvice(transport) };
  for (const [re, reason, message] of RULES) if (re.test(stderrTail)) return { reason, message };
  // ffmpeg often exits 0 when a stream simply ends; after an opened session that is a lost connection
  return opened
    ? { reason: 'connection_lost', message: '与摄像头的连接中断 Connection to the camera lost' }
    : { reason: 'connect_failed', message: '无法连接摄像头 Cannot connect to the camera' };
}
