// A real Request Tracker 5 for end-to-end tests: Debian's rt-server on 127.0.0.1 with its
// own copy of the installed database (tests/rt5/setup.sh prepares RT's config for this).
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, existsSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

const RT_SERVER = '/usr/share/request-tracker5/libexec/rt-server';
const PRISTINE = '/var/lib/dbconfig-common/sqlite3/request-tracker5/rtdb';

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export async function startRt() {
  if (!existsSync(RT_SERVER) || !existsSync('/etc/request-tracker5/RT_SiteConfig.d/99-tactful-tests.pm')) {
    throw new Error('Request Tracker 5 is not set up: run tests/rt5/setup.sh (as root)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'tactful-rt5-e2e-'));
  const db = join(dir, 'rtdb');
  copyFileSync(PRISTINE, db);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const auth = 'Basic ' + Buffer.from('root:password').toString('base64');
  let child = null;
  const rt = {
    url, port,
    get running() { return child !== null; },
    async start() {
      const log = openSync(join(dir, 'rt.log'), 'a');
      child = spawn(RT_SERVER, ['--port', String(port)], { env: { ...process.env, TACTFUL_RT_PORT: String(port), TACTFUL_RT_DB: db }, detached: true, stdio: ['ignore', log, log] });
      const end = Date.now() + 60000;
      for (;;) {
        try {
          const r = await fetch(`${url}/REST/2.0/queues/all`, { headers: { Authorization: auth } });
          if (r.ok) return;
        } catch { /* not yet */ }
        if (Date.now() > end) throw new Error(`RT did not start; see ${dir}/rt.log`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    /** Kills RT and its workers (the process group), as a crash would. */
    async stop() {
      if (!child) return;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      child = null;
      const end = Date.now() + 20000;
      while (Date.now() < end) {
        try { await fetch(`${url}/REST/2.0/`); } catch { return; }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('RT still answering after stop');
    },
    /** Raw REST 2 call, for fixtures and checks independent of Tactful. */
    async rest(method, path, body) {
      const r = await fetch(`${url}/REST/2.0/${path}`, { method, headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
      const text = await r.text();
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
      return text ? JSON.parse(text) : null;
    },
    /** Subjects of a ticket's messages in the order RT recorded them. */
    async subjects(ticket) {
      const v = await rt.rest('GET', `ticket/${ticket}/attachments?fields=Subject,TransactionId&per_page=100`);
      return v.items.map((a) => [Number(a.TransactionId), a.Subject || '']).sort((a, b) => a[0] - b[0]).map((x) => x[1]);
    },
    async close() {
      await rt.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await rt.start();
  return rt;
}
