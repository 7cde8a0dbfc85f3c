import { describe, expect, it } from 'vitest';
import type { Participant } from '../../shared/protocol/signaling.ts';
import { IDLE, joinedOthers, reduce, type CallAction } from './call-state.ts';
import { describeQuality } from './peer-meter.ts';
import type { CallSnapshot } from './types.ts';

const avery = { id: 'avery', displayName: 'Avery' };
const blake = { id: 'blake', displayName: 'Blake' };
const casey = { id: 'casey', displayName: 'Casey' };
const stream = { id: 'stream-1' } as unknown as MediaStream;

const run = (actions: CallAction[], from: CallSnapshot = IDLE): CallSnapshot =>
  actions.reduce(reduce, from);
const list = (...people: [string, Participant['state']][]): Participant[] =>
  people.map(([userId, state]) => ({ userId, displayName: userId.toUpperCase(), state }));

describe('a call of two', () => {
  it('dials, is answered, becomes active when the connection is up', () => {
    let s = run([{ type: 'dial', callId: 'call-1234', peer: blake }]);
    expect(s.phase).toBe('outgoing');
    expect(s.participants).toMatchObject([{ id: 'blake', state: 'ringing' }]);
    s = reduce(s, { type: 'joined', id: 'blake' });
    expect(s.phase).toBe('connecting');
    s = reduce(s, { type: 'connection', id: 'blake', connection: 'connected', at: 42 });
    expect(s).toMatchObject({ phase: 'active', activeSince: 42, connection: 'connected' });
  });

  it('rings only when idle or after a call ended', () => {
    const ringing = run([{ type: 'ring', callId: 'call-1', from: blake, others: [] }]);
    expect(ringing.phase).toBe('incoming');
    const second = reduce(ringing, { type: 'ring', callId: 'call-2', from: casey, others: [] });
    expect(second).toBe(ringing);
    const ended = reduce(ringing, { type: 'ended', kind: 'missed', message: 'missed' });
    expect(reduce(ended, { type: 'ring', callId: 'call-3', from: casey, others: [] }).callId).toBe(
      'call-3',
    );
  });

  it('ends with an outcome and keeps the last recording summary for its notice', () => {
    const summary = { recordingId: 'rec_12345678' } as CallSnapshot['recording']['lastSummary'];
    const s = run([
      { type: 'dial', callId: 'call-1234', peer: blake },
      { type: 'recording', patch: { lastSummary: summary } },
      { type: 'ended', kind: 'remote-hung-up', message: 'Blake ended the call.' },
    ]);
    expect(s.outcome).toEqual({ kind: 'remote-hung-up', message: 'Blake ended the call.' });
    expect(s.participants).toEqual([]);
    expect(s.recording.lastSummary).toBe(summary);
  });
});

describe('a meeting', () => {
  const active = run([
    { type: 'dial', callId: 'call-1234', peer: blake },
    { type: 'joined', id: 'blake' },
    { type: 'connection', id: 'blake', connection: 'connected', at: 1 },
    { type: 'participants', list: list(['avery', 'joined'], ['blake', 'joined']), me: 'avery' },
  ]);

  it('an invitation rings with who else is in it, as joined participants', () => {
    const s = reduce(IDLE, { type: 'ring', callId: 'call-1', from: blake, others: [casey] });
    expect(s.invitedWith).toEqual([casey]);
    expect(s.participants.map((p) => [p.id, p.state])).toEqual([
      ['blake', 'joined'],
      ['casey', 'joined'],
    ]);
  });

  it('merges the server list: newcomers ringing, then joined; my own entry left out', () => {
    let s = reduce(active, { type: 'track', id: 'blake', slot: 'camera', stream });
    s = reduce(s, {
      type: 'participants',
      list: list(['avery', 'joined'], ['blake', 'joined'], ['casey', 'ringing']),
      me: 'avery',
    });
    expect(s.participants.map((p) => [p.id, p.state])).toEqual([
      ['blake', 'joined'],
      ['casey', 'ringing'],
    ]);
    // What we knew of Blake stays with Blake.
    expect(s.participants[0]?.camera).toBe(stream);
    expect(s.participants[1]?.displayName).toBe('CASEY');
    expect(joinedOthers(s).map((p) => p.id)).toEqual(['blake']);
  });

  it('one participant leaving touches only them, with a notice', () => {
    let s = reduce(active, {
      type: 'participants',
      list: list(['avery', 'joined'], ['blake', 'joined'], ['casey', 'joined']),
      me: 'avery',
    });
    s = reduce(s, { type: 'connection', id: 'casey', connection: 'connected', at: 2 });
    s = reduce(s, {
      type: 'media-state',
      id: 'casey',
      state: { audio: false, video: true, screen: false },
    });
    s = reduce(s, { type: 'left', id: 'blake', notice: 'Blake left the call.' });
    expect(s.participants.map((p) => p.id)).toEqual(['casey']);
    expect(s.participants[0]?.muted).toBe(true);
    expect(s.notices).toEqual(['Blake left the call.']);
    expect(s.phase).toBe('active');
  });

  it('reports the worst connection of the joined participants', () => {
    let s = reduce(active, {
      type: 'participants',
      list: list(['avery', 'joined'], ['blake', 'joined'], ['casey', 'joined']),
      me: 'avery',
    });
    s = reduce(s, { type: 'connection', id: 'casey', connection: 'connected', at: 2 });
    s = reduce(s, { type: 'connection', id: 'blake', connection: 'reconnecting', at: 3 });
    expect(s.connection).toBe('reconnecting');
    s = reduce(s, { type: 'connection', id: 'blake', connection: 'connected', at: 4 });
    expect(s.connection).toBe('connected');
  });

  it('a screen stops showing when its sharer says they stopped', () => {
    let s = reduce(active, { type: 'track', id: 'blake', slot: 'screen', stream });
    s = reduce(s, {
      type: 'media-state',
      id: 'blake',
      state: { audio: true, video: true, screen: true },
    });
    expect(s.participants[0]).toMatchObject({ sharing: true, screen: stream });
    s = reduce(s, {
      type: 'media-state',
      id: 'blake',
      state: { audio: true, video: true, screen: false },
    });
    expect(s.participants[0]).toMatchObject({ sharing: false, screen: null });
  });

  it('marks who speaks, and returns the same state when nothing changed', () => {
    const s = reduce(active, { type: 'speaking', ids: ['blake'] });
    expect(s.participants[0]?.speaking).toBe(true);
    expect(reduce(s, { type: 'speaking', ids: ['blake'] })).toBe(s);
  });

  it("takes every connection's quality in one change: the call shows the worst joined one", () => {
    const sample = (rttMs: number) =>
      describeQuality({
        rttMs,
        lossPct: 0,
        bitrateKbps: 800,
        width: 960,
        height: 540,
        fps: 24,
      });
    const three = reduce(active, {
      type: 'participants',
      list: list(['avery', 'joined'], ['blake', 'joined'], ['casey', 'joined']),
      me: 'avery',
    });
    const s = reduce(three, {
      type: 'quality',
      byId: { blake: sample(40), casey: sample(300) },
    });
    expect(s.participants.map((p) => p.quality?.rttMs)).toEqual([40, 300]);
    expect(s.quality).toMatchObject({ rttMs: 300, level: 'fair' });
    expect(reduce(s, { type: 'quality', byId: { dana: sample(900) } })).toBe(s);
  });

  it('a participant who leaves is no longer awaited for recording consent', () => {
    let s = reduce(active, {
      type: 'recording',
      patch: { state: 'waiting-consent', awaitingConsentFrom: ['blake'] },
    });
    s = reduce(s, { type: 'left', id: 'blake' });
    expect(s.recording.awaitingConsentFrom).toEqual([]);
  });

  it('someone who joined anew (a crash, a return) starts with a clean tile', () => {
    const at = (joinedAt: number): Participant[] => [
      { userId: 'avery', displayName: 'AVERY', state: 'joined', joinedAt: 1 },
      { userId: 'blake', displayName: 'BLAKE', state: 'joined', joinedAt },
    ];
    let s = reduce(active, { type: 'participants', list: at(10), me: 'avery' });
    s = reduce(s, { type: 'track', id: 'blake', slot: 'camera', stream });
    s = reduce(s, { type: 'participants', list: at(10), me: 'avery' });
    expect(s.participants[0]).toMatchObject({ camera: stream, connection: 'connected' });
    s = reduce(s, { type: 'participants', list: at(99), me: 'avery' });
    expect(s.participants[0]).toMatchObject({ camera: null, connection: 'new', joinedAt: 99 });
  });

  it('ignores messages about someone who is not in the call', () => {
    expect(reduce(active, { type: 'track', id: 'mallory', slot: 'camera', stream })).toBe(active);
    expect(reduce(active, { type: 'left', id: 'mallory' })).toBe(active);
  });

  it('dismiss clears notices in a call, and the whole outcome after it', () => {
    const noticed = reduce(active, { type: 'notice', message: 'Casey declined to join.' });
    expect(reduce(noticed, { type: 'dismiss' }).notices).toEqual([]);
    const ended = reduce(noticed, { type: 'ended', kind: 'hung-up', message: 'Call ended.' });
    expect(reduce(ended, { type: 'dismiss' })).toEqual(IDLE);
  });

  it('ignores the participant list once the call is over', () => {
    const ended = reduce(active, { type: 'ended', kind: 'hung-up', message: 'Call ended.' });
    expect(
      reduce(ended, { type: 'participants', list: list(['blake', 'joined']), me: 'avery' }),
    ).toBe(ended);
  });
});

describe('me', () => {
  it('is never a participant of my own list', () => {
    const s = run([
      { type: 'ring', callId: 'call-1', from: avery, others: [] },
      { type: 'answering' },
      { type: 'participants', list: list(['avery', 'joined'], ['me', 'joined']), me: 'me' },
    ]);
    expect(s.participants.map((p) => p.id)).toEqual(['avery']);
  });
});

describe('guests', () => {
  const guest = { id: 'guest-AAAAAAAAAAAAAAAAAAAAAA', displayName: 'Casey Client', guest: true };

  it('a guest rung after being let in is marked as one; a member is not', () => {
    const s = run([{ type: 'dial', callId: 'call-1234', peer: guest }]);
    expect(s.participants).toMatchObject([{ id: guest.id, guest: true, state: 'ringing' }]);
    expect(run([{ type: 'dial', callId: 'call-1234', peer: blake }]).participants[0]!.guest).toBe(
      false,
    );
  });

  it("keeps the server's guest flag through participant lists, and the known one when absent", () => {
    const withGuest: Participant[] = [
      { userId: 'avery', displayName: 'Avery', state: 'joined' },
      { userId: 'dana', displayName: 'Dana Client', state: 'joined', guest: true },
    ];
    let s = run([
      { type: 'dial', callId: 'call-1234', peer: blake },
      { type: 'joined', id: 'blake' },
      { type: 'participants', list: withGuest, me: 'avery' },
    ]);
    expect(s.participants).toMatchObject([{ id: 'dana', guest: true }]);
    // A list without the flag (an older server) does not unmark them.
    s = reduce(s, {
      type: 'participants',
      list: withGuest.map(({ guest: _guest, ...p }) => p),
      me: 'avery',
    });
    expect(s.participants).toMatchObject([{ id: 'dana', guest: true }]);
  });

  it('an invitation marks the guests already in the meeting', () => {
    const s = reduce(IDLE, {
      type: 'ring',
      callId: 'call-1',
      from: blake,
      others: [{ ...guest }],
    });
    expect(s.participants.map((p) => [p.id, p.guest])).toEqual([
      ['blake', false],
      [guest.id, true],
    ]);
  });
});
