import { createServer } from 'node:http';

/**
 * A tiny HTTP server standing in for Tollgate in the client's unit tests: it answers each request with the next
 * step of its script and records what it received. A step is `(req, res, body) => void`.
 */
export async function scriptedServer(steps) {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: body ? JSON.parse(body) : undefined,
        at: performance.now() });
      const step = steps[Math.min(requests.length, steps.length) - 1];
      step(req, res, body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export function json(status, body, headers = {}) {
  return (req, res) => {
    res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

/** Drops the connection without an answer: the client sees a network error. */
export function drop() {
  return (req) => req.socket.destroy();
}

/** Never answers (until the server closes): the client's per-attempt timeout has to end the attempt. */
export function hang() {
  return () => {};
}

/** A port nothing listens on. */
export async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
