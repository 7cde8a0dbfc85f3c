import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { iceServersFor } from './ice-servers.ts';

describe('ICE servers', () => {
  it('gives STUN only when no TURN secret is configured', () => {
    expect(
      iceServersFor('u1', {
        stunUrls: ['stun:stun.example.org:3478'],
        turnUrls: [],
        turnTtlSeconds: 600,
      }),
    ).toEqual({
      iceServers: [{ urls: ['stun:stun.example.org:3478'] }],
    });
  });

  it('issues TURN REST credentials that coturn would accept, capped at one hour', () => {
    const now = Date.UTC(2026, 10, 24, 12, 0, 0);
    const result = iceServersFor(
      'user-42',
      {
        stunUrls: [],
        turnUrls: ['turn:turn.example.org:3478', 'turns:turn.example.org:443'],
        turnSecret: 's3cret',
        turnTtlSeconds: 7200,
      },
      now,
    );
    expect(result.ttl).toBe(3600);
    const turn = result.iceServers[0]!;
    expect(turn.username).toBe(`${now / 1000 + 3600}:user-42`);
    expect(turn.credential).toBe(
      createHmac('sha1', 's3cret').update(turn.username!).digest('base64'),
    );
  });

  it('tells clients to relay only when the firm asks for it', () => {
    const result = iceServersFor('u1', {
      stunUrls: [],
      turnUrls: ['turn:turn.example.org:3478'],
      turnSecret: 's',
      turnTtlSeconds: 600,
      relayOnly: true,
    });
    expect(result.iceTransportPolicy).toBe('relay');
  });
});
