import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const builtHarness = join(repositoryRoot, 'tests/Tollgate.Sdk.Harness/bin/Debug/net10.0/Tollgate.Sdk.Harness.dll');

/**
 * Starts the shared SDK harness (a real silo, a dropping proxy and control routes; see tests/Tollgate.Sdk.Harness)
 * and resolves with its description once it has printed it. `stop()` closes its stdin, which stops the silo and
 * deletes its directory. The harness must be built (`dotnet build Tollgate.slnx`) or named by TOLLGATE_SDK_HARNESS.
 */
export async function startHarness({ startTimeoutMs = 90_000 } = {}) {
  const dll = process.env.TOLLGATE_SDK_HARNESS ?? builtHarness;
  if (!existsSync(dll)) throw new Error(`No SDK harness at ${dll}: run \`dotnet build Tollgate.slnx\` or set TOLLGATE_SDK_HARNESS.`);
  const child = spawn('dotnet', [dll], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const description = await new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`The SDK harness said nothing in ${startTimeoutMs} ms:\n${stderr}`)), startTimeoutMs);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const end = stdout.indexOf('\n');
      if (end < 0) return;
      clearTimeout(timer);
      resolve(JSON.parse(stdout.slice(0, end)));
    });
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`The SDK harness exited with ${code} before it was ready:\n${stderr}`));
    });
  }).catch((error) => {
    child.kill('SIGTERM');
    throw error;
  });
  const control = description.controlUrl;
  return {
    ...description,
    /** A fresh user and tenant on the SDK plan, with an API key holding every scope. */
    async newTenant() {
      const response = await fetch(`${control}/tenants`, { method: 'POST' });
      if (response.status !== 201) throw new Error(`POST /tenants answered ${response.status}: ${await response.text()}`);
      return response.json();
    },
    /** The next request through `proxyUrl` reaches the silo, but its answer is thrown away and the connection aborted. */
    async dropNext() {
      const response = await fetch(`${control}/proxy/drop-next`, { method: 'POST' });
      if (response.status !== 204) throw new Error(`POST /proxy/drop-next answered ${response.status}`);
    },
    async forwarded() {
      return (await (await fetch(`${control}/proxy/forwarded`)).json()).count;
    },
    async stop({ timeoutMs = 30_000 } = {}) {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
