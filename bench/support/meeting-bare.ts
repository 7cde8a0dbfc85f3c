/**
 * The baseline of bench/meeting.ts: the same full mesh of pages with nothing but getUserMedia
 * and RTCPeerConnection (no app, no bridge, no server: this process hands the descriptions and
 * candidates over), showing its videos where the app shows them.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { sendQualityFor } from '../../renderer/call/send-quality.ts';
import { launchBrowser, watchMesh } from './meeting-probes.ts';
import { measureSteady } from './meeting-steady.ts';
import { watchHostLoad } from './host-load.ts';
import {
  type Participant,
  type RunOptions,
  type SizeResult,
  type VideoLayout,
} from './meeting-types.ts';

interface BareApi {
  open(width: number, height: number, fps: number, maxBitrate: number): Promise<void>;
  /** The open camera to another size, and every connection's encoding with it. */
  resize(width: number, height: number, fps: number, maxBitrate: number): Promise<void>;
  offer(peer: string): Promise<RTCSessionDescriptionInit>;
  answer(peer: string, offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit>;
  accept(peer: string, answer: RTCSessionDescriptionInit): Promise<void>;
  candidate(peer: string, candidate: RTCIceCandidateInit): Promise<void>;
  /** Hangs up: every connection closed, the camera stopped, the videos gone. */
  reset(): void;
}

/**
 * Runs in a bare page: defines `window.__bare`, the page's whole WebRTC side. With a `layout`
 * (the default) its videos sit where the app's do, scaled, fitted and mirrored as the app's are:
 * what is measured is the cost of showing the same videos the same way, without the app. Without
 * one (BENCH_MEETING_BARE_LAYOUT=plain) the videos are appended at their own size, no self-view.
 */
function installBare(layout: VideoLayout | null): void {
  const w = window as unknown as {
    __bare: BareApi;
    __peerConnections: RTCPeerConnection[];
    __benchSignal: (to: string, candidate: RTCIceCandidateInit) => Promise<void>;
  };
  const pcs = new Map<string, RTCPeerConnection>();
  const early = new Map<string, RTCIceCandidateInit[]>();
  let stream: MediaStream | null = null;
  let encoding: RTCRtpEncodingParameters = {};
  let shown = 0; // others' videos placed so far
  w.__peerConnections = [];
  if (layout) {
    document.body.style.cssText = 'margin: 0; background: #11151a;';
  }
  const place = (video: HTMLVideoElement, slot: VideoLayout['self']) => {
    if (!slot) return;
    Object.assign(video.style, {
      position: 'absolute',
      left: `${slot.left}px`,
      top: `${slot.top}px`,
      width: `${slot.width}px`,
      height: `${slot.height}px`,
      objectFit: slot.objectFit,
      transform: slot.transform,
      borderRadius: slot.borderRadius,
      background: '#000',
    });
  };

  const connection = (peer: string): RTCPeerConnection => {
    const existing = pcs.get(peer);
    if (existing) return existing;
    const pc = new RTCPeerConnection({ iceServers: [] });
    pcs.set(peer, pc);
    w.__peerConnections.push(pc);
    pc.onicecandidate = (e) => {
      if (e.candidate) void w.__benchSignal(peer, e.candidate.toJSON());
    };
    pc.ontrack = (e) => {
      const media = document.createElement(e.track.kind === 'video' ? 'video' : 'audio');
      if (media instanceof HTMLVideoElement) {
        media.muted = true;
        media.setAttribute('aria-label', `${peer}'s video`);
        if (layout)
          place(media, layout.others[shown++ % Math.max(1, layout.others.length)] ?? null);
      }
      media.autoplay = true;
      media.srcObject = new MediaStream([e.track]);
      document.body.append(media);
      void media.play().catch(() => undefined);
    };
    return pc;
  };
  // As the app does: the camera keeps its resolution, within the size's frame rate and bitrate.
  const tune = async (pc: RTCPeerConnection) => {
    for (const sender of pc.getSenders()) {
      if (sender.track?.kind !== 'video') continue;
      const parameters = sender.getParameters();
      parameters.degradationPreference = 'maintain-resolution';
      const [first] = parameters.encodings;
      if (first) Object.assign(first, encoding);
      await sender.setParameters(parameters).catch(() => undefined);
    }
  };
  const addLocal = (pc: RTCPeerConnection) => {
    if (!stream) throw new Error('camera not open');
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
  };
  const flush = async (peer: string, pc: RTCPeerConnection) => {
    // A late candidate of a previous set-up fails here, harmlessly.
    for (const c of early.get(peer) ?? []) await pc.addIceCandidate(c).catch(() => undefined);
    early.delete(peer);
  };

  // What the camera captures, whether opened at a size or moved to one.
  const cameraAt = (width: number, height: number, fps: number): MediaTrackConstraints => ({
    width: { ideal: width, max: width },
    height: { ideal: height, max: height },
    frameRate: { ideal: fps, max: fps },
  });

  w.__bare = {
    async open(width, height, fps, maxBitrate) {
      encoding = { maxBitrate, maxFramerate: fps };
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true },
        video: cameraAt(width, height, fps),
      });
      if (layout?.self) {
        const self = document.createElement('video');
        place(self, layout.self);
        self.muted = true;
        self.autoplay = true;
        self.srcObject = stream;
        document.body.append(self);
        void self.play().catch(() => undefined);
      }
    },
    async resize(width, height, fps, maxBitrate) {
      encoding = { maxBitrate, maxFramerate: fps };
      const [camera] = stream?.getVideoTracks() ?? [];
      await camera?.applyConstraints(cameraAt(width, height, fps));
      await Promise.all([...pcs.values()].map(tune));
    },
    async offer(peer) {
      const pc = connection(peer);
      addLocal(pc);
      await pc.setLocalDescription(await pc.createOffer());
      await tune(pc);
      return pc.localDescription!.toJSON();
    },
    async answer(peer, offer) {
      const pc = connection(peer);
      await pc.setRemoteDescription(offer);
      await flush(peer, pc);
      addLocal(pc);
      await pc.setLocalDescription(await pc.createAnswer());
      await tune(pc);
      return pc.localDescription!.toJSON();
    },
    async accept(peer, answer) {
      const pc = connection(peer);
      await pc.setRemoteDescription(answer);
      await flush(peer, pc);
    },
    async candidate(peer, candidate) {
      const pc = pcs.get(peer);
      if (!pc?.remoteDescription) {
        early.set(peer, [...(early.get(peer) ?? []), candidate]);
        return;
      }
      await pc.addIceCandidate(candidate).catch(() => undefined);
    },
    reset() {
      for (const pc of pcs.values()) pc.close();
      pcs.clear();
      early.clear();
      for (const track of stream?.getTracks() ?? []) track.stop();
      stream = null;
      for (const media of document.querySelectorAll('video, audio')) media.remove();
      shown = 0;
    },
  };
}

export interface BarePage extends Participant {
  context: BrowserContext;
}

/** Opens the page's camera at the send quality of a meeting of `size` (or moves it there). */
async function openBare(size: number, page: Page, how: 'open' | 'resize' = 'open'): Promise<void> {
  const q = sendQualityFor(size);
  const width = Math.round(1280 / q.scaleResolutionDownBy);
  const height = Math.round(720 / q.scaleResolutionDownBy);
  await page.evaluate(
    async ([method, w, h, fps, bitrate]) => {
      await (window as unknown as { __bare: BareApi }).__bare[method](w, h, fps, bitrate);
    },
    [how, width, height, q.maxFramerate, q.maxBitrate] as const,
  );
}

/**
 * Offer/answer between two bare pages, handed over by this process (candidates trickle);
 * `beforeAnswer` runs once the offer is made (a callee opening its camera).
 */
async function link(
  offerer: BarePage,
  answerer: BarePage,
  beforeAnswer: () => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  const offer = await offerer.page.evaluate(
    (peer) => (window as unknown as { __bare: BareApi }).__bare.offer(peer),
    answerer.name,
  );
  await beforeAnswer();
  const answer = await answerer.page.evaluate(
    ([peer, description]) =>
      (window as unknown as { __bare: BareApi }).__bare.answer(peer, description),
    [offerer.name, offer] as const,
  );
  await offerer.page.evaluate(
    ([peer, description]) =>
      (window as unknown as { __bare: BareApi }).__bare.accept(peer, description),
    [answerer.name, answer] as const,
  );
}

/** `size` blank pages, each in its own context (as each advisor has one), with `window.__bare`. */
async function openBarePages(
  browser: Browser,
  size: number,
  url: string,
  layout: VideoLayout | null,
): Promise<BarePage[]> {
  const pages: BarePage[] = [];
  for (let i = 0; i < size; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.route(url, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bare</title>' }),
    );
    const name = `Bare ${i + 1}`;
    const entry: BarePage = { name, context, page: await context.newPage() };
    await context.exposeBinding(
      '__benchSignal',
      async (_source, to: string, candidate: RTCIceCandidateInit) => {
        const target = pages.find((p) => p.name === to);
        await target?.page.evaluate(
          ([from, c]) => (window as unknown as { __bare: BareApi }).__bare.candidate(from, c),
          [name, candidate] as const,
        );
      },
    );
    await entry.page.goto(url);
    await entry.page.evaluate(installBare, layout);
    pages.push(entry);
  }
  return pages;
}

/** One size's bare meeting, set up again and again (bench/meeting.ts alternates it with the app's). */
export interface BareMeeting {
  /** One timed set-up (see openBareMeeting); the meeting stays up until the next one. */
  setUp(result: SizeResult): Promise<void>;
  /** One CPU window, with the meeting up (meeting-steady.ts). */
  steady(result: SizeResult, options: RunOptions): Promise<void>;
  /** Everyone hangs up: the pages sit idle while the app's meeting is measured. */
  end(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A bare mesh of `size`. Each set-up starts cold: the first `size - 1` pages are put in a mesh
 * (untimed), sending at that meeting's quality, as the app's participants are before the last
 * one is added; at start they move to the larger meeting's quality (as the app's do while the
 * invitee rings) and the newcomer opens its camera and offers to each of them. For two, as in a
 * 1:1 call, the caller opens its camera and offers, then the callee opens its camera and answers.
 */
export async function openBareMeeting(
  size: number,
  url: string,
  /** Where the app showed its videos at this size (null: plain, see installBare). */
  layout: VideoLayout | null,
): Promise<BareMeeting> {
  const browser = await launchBrowser();
  // The pages stay open across set-ups, as the app's windows do.
  const pages = await openBarePages(browser, size, url, layout).catch(async (error: unknown) => {
    await browser.close();
    throw error;
  });
  const host = watchHostLoad();
  const end = async () => {
    for (const p of pages) {
      await p.page.evaluate(() => {
        (window as unknown as { __bare: BareApi }).__bare.reset();
      });
    }
  };
  return {
    async setUp(result) {
      await end();
      const existing = pages.slice(0, -1);
      const newcomer = pages.at(-1)!;
      if (size > 2) {
        // As the app's are: sending for a meeting of one fewer until the newcomer comes.
        for (const p of existing) await openBare(size - 1, p.page);
        for (let a = 0; a < existing.length; a++) {
          for (let b = a + 1; b < existing.length; b++) await link(existing[a]!, existing[b]!);
        }
        await (
          await watchMesh(existing)
        )();
      }
      const done = await watchMesh(pages);
      host.start();
      const start = Date.now();
      if (size === 2) {
        const caller = existing[0]!;
        await openBare(size, caller.page);
        await link(caller, newcomer, () => openBare(size, newcomer.page));
      } else {
        // The app's cameras move to the new size while the newcomer's phone rings; here, at once.
        const resized = Promise.all(existing.map((p) => openBare(size, p.page, 'resize')));
        await openBare(size, newcomer.page);
        await Promise.all([resized, ...existing.map((p) => link(newcomer, p))]);
      }
      const formed = await done();
      host.stop();
      result.host = host.summary();
      result.setup.push(formed.at - start);
      result.slowest.push(formed.slowest);
    },
    steady: (result, steadyOptions) =>
      measureSteady(`N=${size} bare`, browser, pages, result, steadyOptions),
    end,
    async close() {
      for (const p of pages) await p.context.close().catch(() => undefined);
      await browser.close();
    },
  };
}
