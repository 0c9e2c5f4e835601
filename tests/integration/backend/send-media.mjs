// Broadcasts real media to the livestream backend over Socket.IO the way a careful client must (the
// web studio's MediaRecorder did the same by its nature): it waits until the backend has set the
// stream up (its status says hasInputStream), sends the container header together with the first
// second of media as its first chunk (the backend starts its encoder only on a first chunk over 1000
// bytes), then one chunk a second; it watches the backend's playlist until it lists the segments
// wanted. Then it ends the stream (end-stream, waiting for stream-ended before disconnecting) and
// exits 0 — or, with --end no, leaves it running (disconnecting: the backend keeps the stream). Exits
// 1 on any failure, with why.
// SPDX-License-Identifier: GPL-2.0-or-later
//
//   node send-media.mjs --url http://127.0.0.1:PORT --stream ID [--user HEX] [--segments 2] [--timeout-ms 30000]
//                       [--end yes|no]

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { io } = createRequire(path.join(here, '..', '..', 'peers', 'package.json'))('socket.io-client');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const url = option('url');
const streamKey = option('stream');
const userId = option('user', 'b'.repeat(64));
const wantedSegments = Number(option('segments', '2'));
const timeoutMs = Number(option('timeout-ms', '30000'));
const endStream = option('end', 'yes') !== 'no';
if (!url || !streamKey) {
  console.error('usage: node send-media.mjs --url URL --stream ID [--user HEX] [--segments N] [--timeout-ms MS] [--end yes|no]');
  process.exit(2);
}

let producer;
let pacer;
let watcher;
function finish(code, message) {
  if (message) {
    (code === 0 ? console.log : console.error)(message);
  }
  clearInterval(pacer);
  clearInterval(watcher);
  producer?.kill('SIGKILL');
  socket.disconnect();
  process.exit(code);
}
const timer = setTimeout(() => finish(1, `no ${wantedSegments} segments within ${timeoutMs} ms`), timeoutMs);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function json(pathname) {
  const response = await fetch(`${url}${pathname}`);
  return response.json();
}

async function segmentsListed() {
  const response = await fetch(`${url}/livestream/${streamKey}/stream.m3u8`);
  const text = response.ok ? await response.text() : '';
  return text.split('\n').filter((line) => line.startsWith('#EXTINF')).length;
}

const socket = io(url, { transports: ['websocket'], reconnection: false, timeout: 5000 });
socket.on('connect_error', (error) => finish(1, `cannot connect to ${url}: ${error.message}`));
socket.on('stream-error', (payload) => {
  if (!/SIGKILL/.test(payload?.error ?? '')) {
    finish(1, `stream-error: ${JSON.stringify(payload)}`);
  }
});
socket.on('connect', async () => {
  socket.emit('start-stream', { userId, streamKey });
  for (let waited = 0; ; waited += 50) {
    const status = await json(`/livestream/${streamKey}/status`).catch(() => null);
    if (status?.local?.streamData?.hasInputStream) {
      break;
    }
    if (waited > 5000) {
      finish(1, 'the backend did not set the stream up within 5 s');
      return;
    }
    await sleep(50);
  }
  producer = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', '20', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-f', 'matroska', 'pipe:1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let pending = [];
  producer.stdout.on('data', (bytes) => pending.push(bytes));
  pacer = setInterval(() => {
    const chunk = Buffer.concat(pending);
    if (chunk.length > 1000) {
      pending = [];
      socket.emit('stream-data', { streamKey, chunk });
    }
  }, 1000);
  watcher = setInterval(async () => {
    const count = await segmentsListed().catch(() => 0);
    if (count < wantedSegments) {
      return;
    }
    clearInterval(watcher);
    clearTimeout(timer);
    if (!endStream) {
      finish(0, `segments ${count} (left running)`);
      return;
    }
    producer?.kill('SIGKILL');
    clearInterval(pacer);
    socket.emit('end-stream', { streamKey, userId });
    socket.once('stream-ended', () => finish(0, `segments ${count}`));
  }, 300);
});
