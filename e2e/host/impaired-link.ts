/**
 * A UDP path with faults, for the media of one advisor: it stands between that advisor's browser
 * and the TURN server and drops, delays or blacks out datagrams in both directions. The kernel
 * here has no `netem` qdisc (tc answers "Specified qdisc kind is unknown"), so the impairment is
 * done in user space, on loopback only; with relay-only ICE every media packet takes this path.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';

export interface Impairment {
  /** Share of datagrams dropped, each way (0.05 = 5 %). */
  loss: number;
  /** Added one-way delay, each way, in ms. */
  delayMs: number;
  /** Everything dropped while true. */
  blackout: boolean;
}

export interface ImpairedLink {
  /** The TURN URL to hand the advisor instead of the real one. */
  url: string;
  set(change: Partial<Impairment>): void;
  /** Datagrams forwarded and dropped so far, both ways. */
  counts(): { forwarded: number; dropped: number };
  close(): Promise<void>;
}

export async function startImpairedLink(turnUrl: string): Promise<ImpairedLink> {
  const target = /^turn:([\d.]+):(\d+)/.exec(turnUrl);
  if (!target?.[1] || !target[2]) throw new Error(`not a loopback turn: URL: ${turnUrl}`);
  const [targetHost, targetPort] = [target[1], Number(target[2])];
  if (!targetHost.startsWith('127.')) throw new Error('the impaired link only relays to loopback');

  let impairment: Impairment = { loss: 0, delayMs: 0, blackout: false };
  let forwarded = 0;
  let dropped = 0;
  const timers = new Set<NodeJS.Timeout>();
  const pass = (send: () => void) => {
    if (impairment.blackout || Math.random() < impairment.loss) {
      dropped++;
      return;
    }
    forwarded++;
    if (impairment.delayMs <= 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, impairment.delayMs);
    timers.add(timer);
  };

  const front = createSocket('udp4');
  // One upstream socket per browser address, so the TURN server sees one client per allocation.
  const upstreams = new Map<string, Socket>();
  front.on('message', (message, from) => {
    const key = `${from.address}:${from.port}`;
    let upstream = upstreams.get(key);
    if (!upstream) {
      const socket = createSocket('udp4');
      socket.on('message', (reply) => {
        pass(() => {
          front.send(reply, from.port, from.address);
        });
      });
      socket.bind(0, '127.0.0.1');
      upstreams.set(key, socket);
      upstream = socket;
    }
    const out = upstream;
    pass(() => {
      out.send(message, targetPort, targetHost);
    });
  });
  front.bind(0, '127.0.0.1');
  await once(front, 'listening');
  const { port } = front.address();

  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    set(change) {
      impairment = { ...impairment, ...change };
    },
    counts: () => ({ forwarded, dropped }),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of upstreams.values()) socket.close();
      await new Promise<void>((resolve) => {
        front.close(resolve);
      });
    },
  };
}
