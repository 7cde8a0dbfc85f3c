/**
 * The DTLS certificate of one call's connections, made before the call needs it. Without one,
 * each new RTCPeerConnection makes its own and its first createOffer waits for it on WebRTC's
 * worker thread, which a meeting's media keeps busy: 15-69 ms for a newcomer at three and four
 * people here (3-5 ms in a quiet 1:1). A fresh certificate for every call (the next one is made
 * as a call ends), so that two calls cannot be linked by it.
 */

/** A certificate this close to expiring is not used (the browser makes one instead). */
const EXPIRY_MARGIN_MS = 24 * 60 * 60 * 1000;

export interface CallCertificates {
  /** For a new connection of the current call: its certificate, or undefined (not ready yet). */
  current(): RTCCertificate[] | undefined;
  /** The call is over: make the next call's. */
  renew(): void;
}

/** ECDSA P-256: what Chromium makes by default, and quick to make. */
const ECDSA_P256: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

/** Never throws: no WebRTC (or a stand-in without the static) is a rejection. */
const generateEcdsa = (): Promise<RTCCertificate> =>
  new Promise((resolve) => {
    resolve(RTCPeerConnection.generateCertificate(ECDSA_P256));
  });

export function createCallCertificates(
  generate: () => Promise<RTCCertificate> = generateEcdsa,
  now: () => number = Date.now,
): CallCertificates {
  let ready: RTCCertificate | null = null;
  let generation = 0;

  function renew(): void {
    const mine = ++generation;
    ready = null;
    generate().then(
      (certificate) => {
        if (mine === generation) ready = certificate;
      },
      () => undefined, // the browser makes one per connection, as without this
    );
  }
  renew();

  return {
    current() {
      if (ready && ready.expires > now() + EXPIRY_MARGIN_MS) return [ready];
      if (ready) renew(); // expired while the app stayed open: this call goes without
      return undefined;
    },
    renew,
  };
}
