import express from 'express';
import { requireCredits, requireQuota } from '../../dist/express.js';

/**
 * An app selling through Tollgate, as a user would write it: its own bearer-token authentication first (tokens map
 * to users, a user names their tenant), then one guard per endpoint. `ran` counts the endpoints that ran.
 */
export async function startApp({ client, unreachable, harness, tokens, logger }) {
  const ran = { count: 0 };
  const app = express();
  app.use((req, res, next) => {
    const user = tokens[(req.headers.authorization ?? '').replace(/^Bearer /, '')];
    if (!user) return res.status(401).json({ error: 'sign in first' });
    req.user = user;
    next();
  });
  const quota = (options) => requireQuota(client, harness.quotaType, 1, { logger, ...options });
  const endpoint = (req, res) => {
    ran.count++;
    res.json({ ok: true, tollgate: req.tollgate });
  };
  app.get('/calls', quota(), endpoint);
  app.get('/workspace-calls', quota({ tenant: (req) => req.headers['x-workspace'] }), endpoint);
  app.get('/render', requireCredits(client, harness.tool, (req) => Number(req.query.units), { logger }), endpoint);
  app.get('/render-fails', requireCredits(client, harness.tool, 5, { logger, refundOnServerError: true }), (req, res) => {
    ran.count++;
    res.status(502).json({ error: 'the renderer is down' });
  });
  app.get('/fails', quota({ refundOnServerError: true }), (req, res) => {
    ran.count++;
    res.status(500).json({ error: 'broken' });
  });
  app.get('/throws', quota({ refundOnServerError: true }), () => {
    ran.count++;
    throw new Error('the endpoint threw');
  });
  app.get('/fails-kept', quota(), (req, res) => {
    ran.count++;
    res.status(500).json({ error: 'broken' });
  });
  app.get('/closed', requireQuota(unreachable, harness.quotaType, 1, { logger }), endpoint);
  app.get('/open', requireQuota(unreachable, harness.quotaType, 1, { logger, failOpen: true }), endpoint);
  app.get('/unknown-quota', requireQuota(client, 'sdk/not-in-the-catalog', 1, { logger }), endpoint);
  // Express's default error handler logs the stack; the tests throw on purpose.
  app.use((error, req, res, next) => res.status(500).json({ error: error.message }));

  const server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    ran,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A logger that keeps what it is told. */
export function recordingLogger() {
  const lines = { warn: [], error: [] };
  return { lines, warn: (message) => lines.warn.push(message), error: (message) => lines.error.push(message) };
}
