// Compiled (not run) by `npm run build`: the guards and the client fit an Express 5 app written in TypeScript.
import express, { type Request } from 'express';
import { QuotaExceededError, TollgateClient, type QuotaConsumeAnswer } from '@tollgate/client';
import { requireCredits, requireQuota } from '@tollgate/client/express';

const tollgate = new TollgateClient({ baseUrl: 'http://localhost:5000', apiKey: 'tg_...', maxAttempts: 3, timeoutMs: 5000 });
const app = express();
app.post('/v1/chat', requireQuota(tollgate, 'chat/messages', 1, { refundOnServerError: true }), (req, res) => {
  res.json({ ok: true });
});
app.post('/v1/render', requireCredits(tollgate, 'images/render', (req) => Number(req.headers['x-units'] ?? 1)), (req, res) => {
  res.json({ ok: true });
});
const byHeader = { tenant: (req: { headers: Record<string, unknown> }) => req.headers['x-tenant'] as string };
app.get('/v1/me', requireQuota(tollgate, 'chat/messages', 1, byHeader), (req: Request, res) => {
  res.end();
});

export async function consume(): Promise<QuotaConsumeAnswer | number> {
  try {
    return await tollgate.consume({ quotaType: 'chat/messages', amount: 1 }, { idempotencyKey: 'msg-1' });
  } catch (error) {
    if (error instanceof QuotaExceededError) return error.remaining;
    throw error;
  }
}
