// Broadcasts real media to the livestream backend over Socket.IO, the way the web studio did, until
// the backend reports HLS segments; then ends the stream and exits 0 (1 on any failure, with why).
// SPDX-License-Identifier: GPL-2.0-or-later
//
//   node send-media.mjs --url http://127.0.0.1:PORT --stream ID [--user HEX] [--segments 2] [--timeout-ms 30000]

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
if (!url || !streamKey) {
  console.error('usage: node send-media.mjs --url URL --stream ID [--user HEX] [--segments N] [--timeout-ms MS]');
  process.exit(2);
}

let producer;
function finish(code, message) {
  if (message) {
    (code === 0 ? console.log : console.error)(message);
  }
  producer?.kill('SIGKILL');
  socket.disconnect();
  process.exit(code);
}
const timer = setTimeout(() => finish(1, `no ${wantedSegments} segments within ${timeoutMs} ms`), timeoutMs);

const socket = io(url, { transports: ['websocket'], reconnection: false, timeout: 5000 });
socket.on('connect_error', (error) => finish(1, `cannot connect to ${url}: ${error.message}`));
socket.on('stream-error', (payload) => finish(1, `stream-error: ${JSON.stringify(payload)}`));
socket.on('stream-segments-updated', (payload) => {
  if (payload.streamKey === streamKey && payload.segmentCount >= wantedSegments) {
    clearTimeout(timer);
    producer?.kill('SIGKILL');
    socket.emit('end-stream', { streamKey, userId });
    socket.once('stream-ended', () => finish(0, `segments ${payload.segmentCount}`));
  }
});
socket.on('connect', () => {
  socket.emit('start-stream', { userId, streamKey });
  producer = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', '20', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-f', 'matroska', 'pipe:1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  producer.stdout.on('data', (chunk) => socket.emit('stream-data', { streamKey, chunk }));
});
