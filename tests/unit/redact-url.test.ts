import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/platform/shared/redact-url.ts';

describe('redactUrl', () => {
  it.each([
    ['rtsp://admin:s3cret@10.0.0.5:554/Streaming/101', 'rtsp://***@10.0.0.5:554/Streaming/101'],
    ['rtsp://admin@cam/x', 'rtsp://***@cam/x'],
    // a raw @ in the password: ffmpeg splits at the LAST @ of the authority, so must we
    ['rtsp://admin:p@ss@cam/x', 'rtsp://***@cam/x'],
    ['rtsp://admin:p@ss@w0rd@10.0.0.5:554', 'rtsp://***@10.0.0.5:554'],
    ['RTSPS://u:p@cam', 'RTSPS://***@cam'],
    ['mqtt://jianhu:Br0ker@127.0.0.1:1883', 'mqtt://***@127.0.0.1:1883'],
    // an @ after the authority is not user-info
    ['rtsp://cam/path@with-at', 'rtsp://cam/path@with-at'],
    ['rtsp://cam/x?user=a@b', 'rtsp://cam/x?user=a@b'],
    ['http://cam/x', 'http://cam/x'],
    ['/clips/a.mp4', '/clips/a.mp4'],
    ['rtsp://***@cam/x', 'rtsp://***@cam/x'], // idempotent
    // ffmpeg's stderr: the URL inside a sentence, in quotes, several times
    [
      'rtsp://admin:wr@ng@127.0.0.1:8554/door: Server returned 401 Unauthorized (authorization failed)',
      'rtsp://***@127.0.0.1:8554/door: Server returned 401 Unauthorized (authorization failed)',
    ],
    [
      "Input #0, rtsp, from 'rtsp://a:b@c@h/1':\nInput file #0 (rtsp://a:b@c@h/1):",
      "Input #0, rtsp, from 'rtsp://***@h/1':\nInput file #0 (rtsp://***@h/1):",
    ],
  ])('%s → %s', (input, out) => expect(redactUrl(input)).toBe(out));

  it('hides the user-info of a URL it was told about wherever it appears literally', () => {
    // a password with a raw slash ends the authority early for the pattern; the known URL still covers it
    const url = 'rtsp://admin:pa/ss@cam/1';
    const text = `${url}: Invalid argument; retrying admin:pa/ss`;
    const out = redactUrl(text, [url]);
    expect(out).not.toContain('pa/ss');
    expect(out).toContain('cam/1: Invalid argument');
  });

  it('does not blank a log line for a very short known user-info', () => {
    expect(redactUrl('a camera at rtsp://a@cam/1 failed', ['rtsp://a@cam/1'])).toBe(
      'a camera at rtsp://***@cam/1 failed',
    );
  });
});
