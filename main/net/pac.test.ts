import { describe, expect, it } from 'vitest';
import { chooseRoute } from './pac.ts';

describe('chooseRoute (system proxy answers, in Chromium PAC syntax)', () => {
  it.each([
    ['DIRECT', { kind: 'direct' }],
    [
      'PROXY proxy.firm.example:8080',
      {
        kind: 'proxy',
        url: 'http://proxy.firm.example:8080',
        host: 'proxy.firm.example',
        port: 8080,
      },
    ],
    [
      'PROXY proxy.firm.example',
      { kind: 'proxy', url: 'http://proxy.firm.example:80', host: 'proxy.firm.example', port: 80 },
    ],
    [
      'HTTPS secure-proxy.firm.example',
      {
        kind: 'proxy',
        url: 'https://secure-proxy.firm.example:443',
        host: 'secure-proxy.firm.example',
        port: 443,
      },
    ],
    ['PROXY [::1]:3128', { kind: 'proxy', url: 'http://[::1]:3128', host: '[::1]', port: 3128 }],
    [
      '  proxy a.example:1 ;DIRECT',
      { kind: 'proxy', url: 'http://a.example:1', host: 'a.example', port: 1 },
    ],
    ['DIRECT; PROXY a.example:1', { kind: 'direct' }],
  ])('%s: the first usable entry', (answer, route) => {
    expect(chooseRoute(answer)).toEqual({ route, unsupported: [] });
  });

  it('passes over SOCKS (and says so) for the next entry it can use', () => {
    expect(chooseRoute('SOCKS5 socks.firm.example:1080; PROXY p.firm.example:3128')).toEqual({
      route: {
        kind: 'proxy',
        url: 'http://p.firm.example:3128',
        host: 'p.firm.example',
        port: 3128,
      },
      unsupported: ['SOCKS5 socks.firm.example:1080'],
    });
  });

  it('only SOCKS offered: direct, with what was offered for the log line', () => {
    expect(chooseRoute('SOCKS5 socks.firm.example:1080; SOCKS socks2.firm.example')).toEqual({
      route: { kind: 'direct' },
      unsupported: ['SOCKS5 socks.firm.example:1080', 'SOCKS socks2.firm.example'],
    });
  });

  it.each(['PROXY', 'PROXY host:0', 'PROXY host:99999', 'PROXY host:port', 'QUIC q.example:443'])(
    'an entry it cannot use (%s) is reported, not guessed at',
    (answer) => {
      expect(chooseRoute(answer)).toEqual({ route: { kind: 'direct' }, unsupported: [answer] });
    },
  );

  it('an empty answer is direct', () => {
    expect(chooseRoute('')).toEqual({ route: { kind: 'direct' }, unsupported: [] });
  });
});
