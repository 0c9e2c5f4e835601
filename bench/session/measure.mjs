#!/usr/bin/env node
// One round of the session latency benchmark (bench/session/run.sh runs it): starts
// `hoststudio live`, times each line it prints and the first coded video frame that reaches nginx,
// lets it run for a moment, sends SIGINT, and times the process exit and the moment everything is
// clean (the relay's 30311 is `ended`, nginx has no publisher for the stream any more and, with
// Cloudinary, the stand-in's stream is idle).
// SPDX-License-Identifier: GPL-2.0-or-later
//
// node measure.mjs '<JSON options>'   options: bin, config, provider, event, title, keyFile, recDir,
//   statUrl, relayUrl, hostPubkey, cloudUrl (cloudinary only), liveSeconds, timeoutSeconds
// Prints one JSON line: goLiveMs (command start → first video frame at nginx), liveLineMs (→ the
// {"event":"live"} line), steps (ms of the first line of each go-live step), exitMs (SIGINT → exit),
// cleanMs (SIGINT → all clean), exitCode. Exit status 1 when a round fails (with "error").
//
// "First video frame at nginx": the stack's nginx records every published stream (`record all`,
// unbuffered writes) into recDir; the file is scanned every 5 ms for the first FLV video tag that
// carries a coded picture (AVC packet type 1, not the sequence header).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';

import { WebSocket } from '../../tests/peers/modules.mjs';

const options = JSON.parse(process.argv[2] ?? '{}');
for (const key of ['bin', 'config', 'provider', 'event', 'title', 'keyFile', 'recDir', 'statUrl', 'relayUrl', 'hostPubkey']) {
  if (!options[key]) {
    process.stderr.write(`measure.mjs: missing option ${key}\n`);
    process.exit(2);
  }
}
const liveMs = (options.liveSeconds ?? 3) * 1000;
const timeoutMs = (options.timeoutSeconds ?? 30) * 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => Number(process.hrtime.bigint() / 1000n) / 1000; // ms, sub-ms resolution

// The first coded video frame in an FLV file that is still being written; null when none yet.
function firstVideoFrameIn(file) {
  let data;
  try {
    data = fs.readFileSync(file);
  } catch {
    return null;
  }
  if (data.length < 13 || data.toString('latin1', 0, 3) !== 'FLV') return null;
  let offset = data.readUInt32BE(5) + 4; // header, then PreviousTagSize0
  while (offset + 11 <= data.length) {
    const type = data[offset] & 0x1f;
    const size = data.readUIntBE(offset + 1, 3);
    if (offset + 11 + size > data.length) return null; // the tag is not complete yet
    if (type === 9 && size >= 2) {
      const codec = data[offset + 11] & 0x0f;
      const packetType = data[offset + 12];
      if (codec !== 7 || packetType === 1) return { offset };
    }
    offset += 11 + size + 4;
  }
  return null;
}

const recordingsBefore = new Set(fs.existsSync(options.recDir) ? fs.readdirSync(options.recDir) : []);
function newRecordings() {
  return fs
    .readdirSync(options.recDir)
    .filter((name) => name.endsWith('.flv') && !recordingsBefore.has(name))
    .map((name) => path.join(options.recDir, name));
}

async function fetchText(url, headers = {}) {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

// The newest 30311 of the event on the relay, or null.
function queryActivity() {
  return new Promise((resolve) => {
    const events = [];
    const socket = new WebSocket(options.relayUrl);
    const timer = setTimeout(() => {
      socket.terminate();
      resolve(null);
    }, 2000);
    socket.on('open', () => {
      socket.send(JSON.stringify(['REQ', 'q', { kinds: [30311], authors: [options.hostPubkey], '#d': [options.event] }]));
    });
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString());
      if (message[0] === 'EVENT' && message[1] === 'q') events.push(message[2]);
      if (message[0] === 'EOSE' && message[1] === 'q') {
        clearTimeout(timer);
        socket.close();
        events.sort((a, b) => b.created_at - a.created_at);
        resolve(events[0] ?? null);
      }
    });
    socket.on('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

async function publishing() {
  const stat = await fetchText(options.statUrl);
  return /<publishing\/>/.test(stat);
}

async function cloudStreamStatus() {
  const auth = `Basic ${Buffer.from('123456789012345:local-fake-secret').toString('base64')}`;
  const body = JSON.parse(await fetchText(`${options.cloudUrl}/v2/video/demo/live_streams`, { Authorization: auth }));
  const stream = (body.data ?? []).find((s) => s.name === options.title);
  return stream ? stream.status : 'missing';
}

async function allClean() {
  const activity = await queryActivity();
  const status = activity?.tags.find((t) => t[0] === 'status')?.[1];
  if (status !== 'ended') return false;
  if (await publishing()) return false;
  if (options.provider === 'cloudinary' && (await cloudStreamStatus()) === 'active') return false;
  return true;
}

async function main() {
  const result = { provider: options.provider, event: options.event, steps: {} };
  const start = now();
  const child = spawn(
    options.bin,
    ['--config', options.config, 'live', '--provider', options.provider, '--event', options.event, '--title', options.title, '--key-file', options.keyFile],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { at: now(), code, signal };
      resolve();
    });
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk.toString();
  });
  let pending = '';
  let liveLine = null;
  child.stdout.on('data', (chunk) => {
    const at = now() - start;
    pending += chunk.toString();
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const text = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      let line;
      try {
        line = JSON.parse(text);
      } catch {
        continue;
      }
      if (line.event === 'session' && line.step > 0 && result.steps[line.step] === undefined) {
        result.steps[line.step] = { ms: Math.round(at * 10) / 10, text: line.stepText };
      }
      if (line.event === 'live' && liveLine === null) {
        liveLine = line;
        result.liveLineMs = Math.round(at * 10) / 10;
      }
    }
  });
  const fail = (why) => {
    if (exited === null) child.kill('SIGKILL');
    result.error = `${why}; stderr: ${stderr.split('\n').slice(-5).join(' | ')}`;
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(1);
  };

  // The first coded video frame at nginx.
  for (;;) {
    if (exited !== null) fail(`hoststudio exited early (${exited.code ?? exited.signal})`);
    if (now() - start > timeoutMs) fail('no video frame at nginx in time');
    const frame = newRecordings().map(firstVideoFrameIn).find((found) => found !== null);
    if (frame) {
      result.goLiveMs = Math.round((now() - start) * 10) / 10;
      break;
    }
    await sleep(5);
  }
  while (liveLine === null) {
    if (exited !== null) fail('exited before the live line');
    if (now() - start > timeoutMs) fail('no live line in time');
    await sleep(5);
  }

  await sleep(liveMs);
  const endAt = now();
  child.kill('SIGINT');
  // All clean: polled every 20 ms from the signal on (each poll asks the relay, nginx and the stand-in).
  let cleanAt = null;
  while (cleanAt === null) {
    if (now() - endAt > timeoutMs) fail('not clean in time');
    if (exited !== null && (await allClean())) {
      cleanAt = now();
      break;
    }
    await sleep(20);
  }
  await exitPromise;
  result.exitMs = Math.round((exited.at - endAt) * 10) / 10;
  result.cleanMs = Math.round((cleanAt - endAt) * 10) / 10;
  result.exitCode = exited.code;
  if (exited.code !== 0) fail(`exit status ${exited.code ?? exited.signal}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  process.stderr.write(`measure.mjs: ${error.stack ?? error}\n`);
  process.exit(1);
});
