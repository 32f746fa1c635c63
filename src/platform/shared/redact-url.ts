/**
 * The one URL redactor: hides the credentials of every `scheme://user:password@host` in a text (a URL,
 * a log line, the tail of ffmpeg's stderr, which prints the URL it failed on). It lives in the platform
 * because the MQTT client shows its broker URL too; camera code uses it through video/sources.
 *
 * The user-info ends at the LAST `@` of the authority, as ffmpeg reads it (av_url_split): a camera
 * password with a raw `@` (`rtsp://admin:p@ss@cam/1`) works, so it must be hidden whole. Cutting at the
 * first `@` left `ss@cam/1` in every log line.
 */

/** `scheme://` and the authority: up to the first `/ ? #`, whitespace or quote (ffmpeg quotes URLs). */
const URL_AUTHORITY = /([a-z][a-z0-9+.-]*:\/\/)([^\s/?#'"<>]*)/gi;

export const REDACTED_USERINFO = '***';

/**
 * `rtsp://admin:s3cret@10.0.0.5/ch1 failed` → `rtsp://***@10.0.0.5/ch1 failed`. `known`: URLs the
 * caller handed to a program whose output this is; their user-info is also hidden wherever it appears
 * literally, which covers what the pattern cannot (a password with a raw `/`, space or quote).
 */
export function redactUrl(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const url of known) {
    const info = userInfoOf(url);
    // a very short one (`a@cam`) would blank every such letter; the pattern below covers it
    if (info.length >= 3) out = out.split(info).join(REDACTED_USERINFO);
  }
  return out.replace(URL_AUTHORITY, (whole, scheme: string, authority: string) => {
    const at = authority.lastIndexOf('@');
    return at < 0 ? whole : `${scheme}${REDACTED_USERINFO}@${authority.slice(at + 1)}`;
  });
}

/**
 * Everything between `://` and the URL's last `@` (generous on purpose: over-hiding a log line is
 * harmless, under-hiding leaks a password); '' when there is none or it is already redacted.
 */
function userInfoOf(url: string): string {
  const start = url.indexOf('://');
  const at = url.lastIndexOf('@');
  if (start < 0 || at <= start + 3) return '';
  const info = url.slice(start + 3, at);
  return info === REDACTED_USERINFO ? '' : info;
}
