import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigText } from '../../src/config/load.ts';
import { altNamesOf } from '../../src/platform/http/tls/server-tls.ts';
import { issueSelfSigned } from '../../src/platform/http/tls/x509-self-signed.ts';
import { tokenOfQr } from '../../src/work/machines/scan-target.ts';

/** The certificate node:crypto cannot issue, built from DER by hand: node's own parser checks it. */
describe('issueSelfSigned', () => {
  const notBefore = new Date('2026-03-01T00:00:00Z');
  const notAfter = new Date('2028-06-04T00:00:00Z');
  const issued = issueSelfSigned({
    commonName: 'Jianhu 192.168.3.7',
    altNames: ['localhost', '127.0.0.1', '192.168.3.7', 'jianhu.plant.example'],
    notBefore,
    notAfter,
  });
  const x = new X509Certificate(issued.certPem);

  it('is a valid, self-signed CA certificate for its key', () => {
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkPrivateKey(createPrivateKey(issued.keyPem))).toBe(true);
    expect(x.ca).toBe(true);
    expect(x.issuer).toBe(x.subject);
    expect(x.subject).toContain('CN=Jianhu 192.168.3.7');
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // node reports extendedKeyUsage: serverAuth
  });

  it('names every host and address, and carries the validity asked for', () => {
    expect(altNamesOf(x)).toEqual(['localhost', '127.0.0.1', '192.168.3.7', 'jianhu.plant.example']);
    expect(x.checkIP('192.168.3.7')).toBe('192.168.3.7');
    expect(x.checkIP('192.168.3.8')).toBeUndefined();
    expect(x.checkHost('jianhu.plant.example')).toBe('jianhu.plant.example');
    expect(new Date(x.validFrom).toISOString()).toBe(notBefore.toISOString());
    expect(new Date(x.validTo).toISOString()).toBe(notAfter.toISOString());
  });

  it('writes dates from 2050 on as GeneralizedTime', () => {
    const late = issueSelfSigned({
      commonName: 'x',
      altNames: ['localhost'],
      notBefore,
      notAfter: new Date('2051-01-02T03:04:05Z'),
    });
    expect(new Date(new X509Certificate(late.certPem).validTo).toISOString()).toBe(
      '2051-01-02T03:04:05.000Z',
    );
  });

  it('makes a new key and serial each time', () => {
    const other = issueSelfSigned({ commonName: 'x', altNames: ['localhost'], notBefore, notAfter });
    const y = new X509Certificate(other.certPem);
    expect(y.serialNumber).not.toBe(x.serialNumber);
    expect(y.fingerprint256).not.toBe(x.fingerprint256);
  });
});

describe('server.https and server.publicUrl in the config', () => {
  const issues = (text: string) => {
    try {
      loadConfigText(text);
      return [];
    } catch (e) {
      if (e instanceof ConfigError) return e.issues.map((i) => i.path);
      throw e;
    }
  };
  it('serves HTTPS on 8443 by default', () => {
    const cfg = loadConfigText('{}');
    expect(cfg.server.https).toEqual({ enabled: true, port: 8443 });
  });
  it('wants certFile and keyFile together, and a bare scheme://host[:port] public URL', () => {
    expect(issues('server: { https: { certFile: /etc/plant.crt } }')).toEqual(['server.https.keyFile']);
    expect(issues('server: { https: { keyFile: /etc/plant.key } }')).toEqual(['server.https.certFile']);
    expect(issues('server: { publicUrl: "https://jianhu.plant:8443/ui" }')).toEqual(['server.publicUrl']);
    expect(issues('server: { publicUrl: "https://jianhu.plant:8443" }')).toEqual([]);
  });
});

describe('what a machine QR says', () => {
  it('is the scan page URL with the token in #m=, or (older labels) the bare token', () => {
    expect(tokenOfQr('https://10.0.0.5:8443/ui/phone.html#m=JH1.M1.1.abc.sig')).toBe('JH1.M1.1.abc.sig');
    expect(tokenOfQr(' JH1.M1.1.abc.sig ')).toBe('JH1.M1.1.abc.sig');
    expect(tokenOfQr('https://10.0.0.5:8443/ui/phone.html')).toBe('');
    expect(tokenOfQr('https://[bad')).toBe('');
  });
});
