/**
 * A mobile client of the original system, as its guide describes it: the five seed events only
 * (call-offer, call-answer, ice-candidate, call-decline, end-call), no call ids, no
 * renegotiation, a plain RTCPeerConnection that sends its candidates as soon as it has them
 * (before its offer has reached the server, too). Its socket is a real Socket.io client in this
 * process; its WebRTC runs in a plain page with no bridge and none of our code.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { Harness } from '../../server/testing/harness.ts';

const SEED_EVENTS = ['call-offer', 'call-answer', 'ice-candidate', 'call-decline', 'end-call'];

/** The page's side: what the seed app does with each event and when it calls. */
const SEED_PAGE = `(() => {
  let pc = null;
  let peer = null;
  const video = document.createElement('video');
  video.setAttribute('aria-label', 'remote');
  video.autoplay = true;
  video.muted = true;
  document.body.append(video);
  async function open(to) {
    peer = to;
    pc = new RTCPeerConnection({ iceServers: [] });
    const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
    for (const track of media.getTracks()) pc.addTrack(track, media);
    pc.onicecandidate = (e) => { if (e.candidate) window.seedSend('ice-candidate', { candidate: e.candidate.toJSON(), to: peer }); };
    pc.ontrack = (e) => { video.srcObject = e.streams[0] ?? new MediaStream([e.track]); };
  }
  window.seedCall = async (to, me) => {
    await open(to);
    await pc.setLocalDescription(await pc.createOffer());
    // The offer as first set holds no candidates; every candidate goes out (as ice-candidate)
    // before it, so the callee can only learn them from candidates the server held.
    const offer = pc.localDescription.toJSON();
    while (pc.iceGatheringState !== 'complete') await new Promise((r) => setTimeout(r, 20));
    window.seedSend('call-offer', { offer, to, from: me });
  };
  window.seedReceive = async (event, payload) => {
    window.seedLog.push(event);
    if (event === 'call-offer') {
      await open(payload.from);
      await pc.setRemoteDescription(payload.offer);
      await pc.setLocalDescription(await pc.createAnswer());
      window.seedSend('call-answer', { answer: pc.localDescription.toJSON(), to: payload.from });
    } else if (event === 'call-answer' && pc) {
      await pc.setRemoteDescription(payload.answer);
    } else if (event === 'ice-candidate' && pc) {
      await pc.addIceCandidate(payload.candidate).catch(() => {});
    } else if (event === 'end-call' && pc) {
      pc.close();
      pc = null;
    }
  };
  window.seedHangUp = () => { if (pc) { window.seedSend('end-call', { to: peer }); pc.close(); pc = null; } };
  window.seedLog = [];
})()`;

export interface SeedMobile {
  userId: string;
  page: Page;
  /** Every event the server delivered to it, in order (names only). */
  received(): Promise<string[]>;
  call(toUserId: string): Promise<void>;
  hangUp(): Promise<void>;
  close(): Promise<void>;
}

export async function launchSeedMobile(
  browser: Browser,
  server: Harness,
  username: string,
): Promise<SeedMobile> {
  const client = await server.connect(username);
  const context: BrowserContext = await browser.newContext();
  const page = await context.newPage();
  // A loopback http origin is a secure context (about:blank has no mediaDevices).
  await page.goto(`${server.url}/seed-mobile`);
  await page.exposeBinding('seedSend', (_source, event: string, payload: unknown) => {
    client.socket.emit(event, payload);
  });
  await page.evaluate(SEED_PAGE);
  client.socket.onAny((event: string, payload: unknown) => {
    // The seed app knows five events; the rest it never hears of (it has no handler).
    if (!SEED_EVENTS.includes(event)) return;
    void page
      .evaluate(([e, p]) => (window as unknown as SeedWindow).seedReceive(e, p), [
        event,
        payload,
      ] as const)
      .catch(() => undefined);
  });
  return {
    userId: client.userId,
    page,
    received: () => page.evaluate(() => (window as unknown as SeedWindow).seedLog),
    call: (to) =>
      page.evaluate(([callee, me]) => (window as unknown as SeedWindow).seedCall(callee, me), [
        to,
        client.userId,
      ] as const),
    hangUp: () =>
      page.evaluate(() => {
        (window as unknown as SeedWindow).seedHangUp();
      }),
    async close() {
      client.socket.disconnect();
      await context.close();
    },
  };
}

interface SeedWindow {
  seedReceive(event: string, payload: unknown): Promise<void>;
  seedCall(to: string, me: string): Promise<void>;
  seedHangUp(): void;
  seedLog: string[];
}
