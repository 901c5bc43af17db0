// Talking to an app under test over 127.0.0.1 only: a free port, and one request per connection
// (no keep-alive pool that could hand us a socket to a worker that has just died).
import { request as httpRequest } from 'node:http';
import { connect, createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** A port that was free on the loopback interface a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** One HTTP request to 127.0.0.1:port; the body is parsed as JSON. */
export function request(port: number, method: string, path: string, timeoutMs = 5000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: LOOPBACK, port, method, path, agent: false, headers: { connection: 'close' }, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
          } catch {
            reject(new Error(`${method} ${path} answered ${res.statusCode} with no JSON: ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Whether a TCP connection to host:port is accepted (true) or refused (false), as the kernel says.
 * host must be a loopback address (127.0.0.0/8): nothing else is ever contacted.
 */
export function accepts(host: string, port: number, timeoutMs = 5000): Promise<boolean> {
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) throw new Error(`${host} is not a loopback address`);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('timeout', () => socket.destroy(new Error(`connect ${host}:${port}: no answer within ${timeoutMs} ms`)));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' ? resolve(false) : reject(e)));
  });
}

/** GET / of the app contract. */
export interface WhoAmI {
  pid: number;
  ppid: number;
  pid1: string;
  crashMode: string;
  trigger: string;
  runtime: string;
  worker: number;
}

export function asWhoAmI(answer: Answer): WhoAmI {
  const b = answer.body;
  const ok =
    answer.status === 200 &&
    typeof b['pid'] === 'number' &&
    typeof b['ppid'] === 'number' &&
    typeof b['pid1'] === 'string' &&
    typeof b['worker'] === 'number';
  if (!ok) throw new Error(`GET / answered ${answer.status} ${JSON.stringify(b)}, not the {pid, ppid, pid1, ...} of the contract`);
  return b as unknown as WhoAmI;
}
