import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { io } from 'socket.io-client';
import { alive } from './helpers.ts';

test('rtbench serve: prints its URL, serves the app, stops on SIGINT with exit 0', async () => {
  const child = spawn(process.execPath, ['bin/rtbench.js', 'serve', '--topology', 'single', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 15_000);
      child.stdout.on('data', () => {
        const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
    });
    assert.match(out, /ws: ws:\/\/127\.0\.0\.1:\d+\/ws/);
    const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    const welcome = await new Promise<{ worker: { id: string } }>((resolve) => s.once('welcome', resolve));
    assert.equal(welcome.worker.id, 'single#0');
    s.disconnect();
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGINT');
    });
    assert.equal(code, 0);
  } finally {
    if (child.pid && alive(child.pid)) child.kill('SIGKILL');
  }
});

test('rtbench serve on a non-loopback host warns loudly', async () => {
  const child = spawn(process.execPath, ['bin/rtbench.js', 'serve', '--port', '0', '--host', '0.0.0.0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no output: ${out}`)), 15_000);
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (/on http/.test(out)) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    assert.match(out, /WARNING: binding 0\.0\.0\.0, which is not loopback/);
  } finally {
    child.kill('SIGKILL');
  }
});
