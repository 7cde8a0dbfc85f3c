/**
 * A real TURN server (coturn, Debian's package) on loopback, with the TURN REST shared secret
 * (`use-auth-secret`), as a firm would run it. Started per test, stopped after. With a
 * certificate it also listens for TURN over TLS (`turns:`), as a firm's relay on 443 would: on a
 * free high port here, so the test needs no privileged port and never collides with another.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

export interface Coturn {
  url: string;
  /** `turns:127.0.0.1:<port>?transport=tcp` when started with a certificate. */
  tlsUrl: string | null;
  secret: string;
  stop(): Promise<void>;
}

export async function startCoturn(
  secret: string,
  options: { tls?: { certFile: string; keyFile: string } } = {},
): Promise<Coturn> {
  const port = await freePort();
  const tlsPort = options.tls ? await freePort() : null;
  const tls = options.tls
    ? [
        `--tls-listening-port=${tlsPort}`,
        `--cert=${options.tls.certFile}`,
        `--pkey=${options.tls.keyFile}`,
      ]
    : ['--no-tls'];
  const child: ChildProcess = spawn(
    'turnserver',
    [
      '-n', // no configuration file
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--min-port=49160',
      '--max-port=49200',
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=richesreach.test',
      ...tls,
      '--no-dtls',
      '--no-cli',
      '--allow-loopback-peers', // peers are on this machine in the test
      '--fingerprint',
      '--log-file=stdout',
      '--simple-log',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // Ready once it listens; give it up to 5 s.
  for (let i = 0; i < 100 && !/(listener opened|Total General servers)/i.test(output); i++) {
    if (child.exitCode !== null) throw new Error(`turnserver exited: ${output.slice(-500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    tlsUrl: tlsPort === null ? null : `turns:127.0.0.1:${tlsPort}?transport=tcp`,
    secret,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
