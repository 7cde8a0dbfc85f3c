import { describe, expect, it } from 'vitest';
import { diffTracks, liveAudioTracks } from './voice-mixer.ts';

describe('diffTracks', () => {
  it('connects a new microphone track and disconnects the one it replaced', () => {
    expect(diffTracks(['mic-old', 'jordan'], ['jordan', 'mic-new'])).toEqual({
      add: ['mic-new'],
      remove: ['mic-old'],
    });
  });

  it('changes nothing while the voices stay the same', () => {
    expect(diffTracks(['me', 'jordan'], ['jordan', 'me'])).toEqual({ add: [], remove: [] });
  });

  it('connects everyone at start and disconnects everyone when all have gone', () => {
    expect(diffTracks([], ['me', 'jordan', 'me'])).toEqual({ add: ['me', 'jordan'], remove: [] });
    expect(diffTracks(['me', 'jordan'], [])).toEqual({ add: [], remove: ['me', 'jordan'] });
  });
});

describe('liveAudioTracks', () => {
  const track = (id: string, readyState = 'live') => ({ id, readyState });
  const stream = (...tracks: ReturnType<typeof track>[]) => ({ getAudioTracks: () => tracks });

  it('keeps live tracks once each and leaves ended ones out, so they are disconnected', () => {
    const mic = track('mic-new');
    const shared = track('jordan');
    const live = liveAudioTracks([
      stream(track('mic-old', 'ended'), mic),
      stream(shared),
      stream(shared),
      stream(),
    ]);
    expect([...live.keys()]).toEqual(['mic-new', 'jordan']);
    expect(live.get('mic-new')).toBe(mic);
  });

  it('after a microphone switch, the diff swaps the old track for the new one', () => {
    const before = liveAudioTracks([stream(track('mic-old')), stream(track('jordan'))]);
    const after = liveAudioTracks([
      stream(track('mic-old', 'ended'), track('mic-new')),
      stream(track('jordan')),
    ]);
    expect(diffTracks(before.keys(), after.keys())).toEqual({
      add: ['mic-new'],
      remove: ['mic-old'],
    });
  });
});
