#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
//
// The seed's livestream backend as a real peer: its HTTP API under /livestream/… and its Socket.IO 4
// real-time channel on the same port, with the same paths, bodies, status codes, events and quirks
// (see the protocol notes in the project's docs). Media sent as `stream-data` chunks (a WebM/Matroska
// byte stream) is fed to a real ffmpeg process that writes HLS (segment_N.ts, stream.m3u8) into the
// data directory, which the HTTP side serves.
//
// It behaves like the real backend, including the weaknesses a client must survive:
//   - The 1000-byte gate: ffmpeg starts only if the very first stream-data chunk after a setup is
//     larger than 1000 bytes, and that is never checked again. A first chunk of only the Matroska
//     header means no ffmpeg for that stream: later chunks are counted and kept (temp.webm), but no
//     HLS is made and no stream-started comes. stream-started {streamKey, status:"broadcasting"}
//     goes to the socket that made the setup when its ffmpeg starts, not before.
//   - start-stream sets a stream up asynchronously (--setup-delay-ms). A stream-data that arrives
//     before the setup finished is dropped without a word (no stream-error). A start-stream for a
//     stream that is set up but whose ffmpeg has not started (status "active") reuses it: the socket
//     becomes its broadcaster and gets stream-started {…, message:"Stream already active, reusing
//     existing setup"} at once, and the gate is not checked again. A start-stream for a stream whose
//     ffmpeg runs, that failed, or that HTTP made (a placeholder) makes a new setup: the old ffmpeg is
//     stopped and the next chunk is the new stream's first chunk (it needs the header, and the gate).
//   - No disconnect handling: a broadcaster that disconnects leaves its stream running. socket.io
//     runs event handlers on the next tick and drops the events of a socket that disconnected in
//     between, so an end-stream read together with the disconnect is lost. Only the inactivity
//     monitor (no data for --idle-timeout-ms, checked every third of it) removes such a stream: it
//     sends stream-ended to the socket that made the setup (gone or not), does not end the playlist
//     (no #EXT-X-ENDLIST) and does not stop ffmpeg (its stdin stays open; it is killed at shutdown).
//   - end-stream is obeyed when its userId is the stream's or the sender is the broadcaster, and
//     ignored silently otherwise, as it is for an unknown stream. It SIGKILLs ffmpeg, appends
//     #EXT-X-ENDLIST, removes the stream, sends stream-ended to the room and once to the sender, and
//     then, when the killed ffmpeg's exit is seen, stream-error {"error":"ffmpeg was killed with
//     signal SIGKILL"} to the socket that made the setup: part of a normal end. Every socket that
//     ever connected repeats stream-ended to the room (all but itself), so a viewer gets it several
//     times; the broadcaster has left the room and gets it once.
//   - An ffmpeg that fails sends stream-error {"error":"ffmpeg exited with code N: …"}; the stream
//     stays (status "error") and takes chunks until end-stream or the monitor removes it.
//   - Never sent: viewer-left and viewer-count (the viewer count only goes up). viewer-joined goes to
//     the broadcaster on each join-stream, stream-joined to the viewer; join-stream for an unknown
//     stream is stream-error {"error":"Stream not found"}. stream-segments-updated {streamKey,
//     segmentCount} is sent on each stream-data chunk once .ts files exist, to the stream's room but
//     not to the sender: the broadcaster never gets it.
//   - GET /livestream/{id}/status and GET …/stream.m3u8 (and POST …/start for a new stream) make a
//     placeholder stream for any id (userId "anonymous", no ffmpeg, no input, status
//     "waiting_for_broadcaster", a directory and a playlist without segments), so polling after the
//     end makes one again and local.isActive / overall.isActive are true for every polled id.
//     local.streamData.hasInputStream is true only for a socket's finished setup; hasFfmpegCommand is
//     true from the setup on, whether or not ffmpeg ever ran (`broadcasting` says that).
//   - The simulated Cloudinary registry: POST /start makes a stream "active" at once (video or not);
//     POST /stop makes it "inactive" and answers "stopped" whenever the stream exists;
//     overall.hasVideoContent is the only word about video: a playlist without #EXT-X-ENDLIST and a
//     .ts file in the stream's directory. /livestream/active lists every stream of the registry,
//     stopped ones too (isActive false).
//   - A stream's room is named by its id. stream-data is taken from any socket, not only the
//     broadcaster. channel-message goes to the sockets in that room (everyone is in "general"); the
//     sender is not joined to it (join-channel / leave-channel do that). Payloads without a valid
//     streamKey are ignored (the backend would throw), except join-stream: "Stream not found".
//   - playbackUrl and ingestUrl point at this server itself.
//
// Kind switches, for tests that need a path without one quirk: --kind LIST (comma-separated)
//   gate          ffmpeg starts on the first chunk after a setup whatever its size
//   setup         start-stream sets the stream up at once: no chunk is dropped
//   disconnect    a broadcaster's disconnect ends its stream like end-stream (with #EXT-X-ENDLIST)
//   viewer-left   a viewer's disconnect sends viewer-left {streamKey, viewerCount} to the broadcaster
// Without --kind the peer is as strict as the real backend.
//
// Test hooks, all below /__ and never part of the backend's API:
//   GET /__health            "ok"
//   GET /__events            what happened so far: HTTP requests with their bodies (kind "http"),
//                            socket events as received ("received", stream-data left out) and as
//                            handled ("event"; an event lost to a disconnect is received but not
//                            handled), emits ("emit"), connects, disconnects, setups ("setup",
//                            "reuse"), dropped chunks ("dropped-chunk" {streamKey, bytes}), the gate
//                            ("gate" {streamKey, bytes, open}), ffmpeg ("ffmpeg-start",
//                            "ffmpeg-exit"), the inactivity monitor ("idle-timeout")
//   POST /__faults {"mode":"status500","message":"…","count":1}   the next API requests answer 500
//                  {"mode":"delay","delayMs":3000,"count":1}      …answer late
//                  {"mode":"hang","count":1}                      …never answer
//   DELETE /__faults         clears them
//
// Usage: node livestream-backend.mjs [--host 127.0.0.1] [--port 5050] [--data-dir DIR] [--log FILE]
//          [--idle-timeout-ms 30000] [--setup-delay-ms 40] [--kind gate,setup,disconnect,viewer-left]
//          [--ffmpeg ffmpeg]
// --port 0 picks a free port; the first stdout line says "livestream backend listening on http://…".
// --data-dir holds one directory per stream (stream.m3u8, segment_N.ts, temp.webm); a temporary one
// by default. --log appends one JSON line per /__events entry to FILE.
// Stops on SIGTERM/SIGINT; every ffmpeg it started is killed first.

import { spawn } from 'node:child_process';
import {
  appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Server } from 'socket.io';

function parseArguments(argv) {
  const options = {};
  for (let index = 0; index < argv.length; index += 1) {
    const name = argv[index];
    if (!name.startsWith('--')) {
      throw new Error(`unexpected argument ${name}`);
    }
    const value = argv[index + 1];
    if (value === undefined || value.startsWith('--')) {
      throw new Error(`${name} needs a value`);
    }
    options[name.slice(2)] = value;
    index += 1;
  }
  return options;
}

const KIND_SWITCHES = ['gate', 'setup', 'disconnect', 'viewer-left'];
const options = parseArguments(process.argv.slice(2));
const config = {
  host: options.host ?? '127.0.0.1',
  port: Number(options.port ?? 5050),
  dataDir: path.resolve(options['data-dir'] ?? mkdtempSync(path.join(os.tmpdir(), 'livestream-backend-'))),
  log: options.log,
  idleTimeoutMs: Number(options['idle-timeout-ms'] ?? 30000),
  setupDelayMs: Number(options['setup-delay-ms'] ?? 40),
  kind: new Set((options.kind ?? '').split(',').map((word) => word.trim()).filter(Boolean)),
  ffmpeg: options.ffmpeg ?? 'ffmpeg',
};
if (config.host !== '127.0.0.1' && config.host !== 'localhost' && config.host !== '::1') {
  throw new Error('the backend peer binds to loopback only');
}
if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
  throw new Error(`--port ${options.port} is not a TCP port`);
}
if (!Number.isFinite(config.idleTimeoutMs) || config.idleTimeoutMs <= 0) {
  throw new Error('--idle-timeout-ms must be a positive number');
}
if (!Number.isFinite(config.setupDelayMs) || config.setupDelayMs < 0) {
  throw new Error('--setup-delay-ms must be a number >= 0');
}
for (const word of config.kind) {
  if (!KIND_SWITCHES.includes(word)) {
    throw new Error(`--kind ${word} is unknown (known: ${KIND_SWITCHES.join(', ')})`);
  }
}
const kind = (word) => config.kind.has(word);
mkdirSync(config.dataDir, { recursive: true });

const MAX_BUFFER = 1e6; // Socket.IO's default maxHttpBufferSize, as the backend uses it
const GATE_BYTES = 1000; // the first chunk must be larger than this for ffmpeg to start
const events = []; // what happened, for tests
let faults = [];
let baseUrl = ''; // http://host:port, known once listening

function record(entry) {
  const line = { time: new Date().toISOString(), ...entry };
  events.push(line);
  if (events.length > 5000) {
    events.shift();
  }
  if (config.log) {
    try {
      appendFileSync(config.log, JSON.stringify(line) + '\n');
    } catch (error) {
      console.error(`livestream backend: cannot write ${config.log}: ${error.message}`);
    }
  }
}

// Stream ids become directory names: only ids that are safe as one path component are accepted.
const isValidStreamId = (id) => typeof id === 'string' && /^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,127}$/.test(id);
const streamDir = (id) => path.join(config.dataDir, id);
const manifestOf = (id) => path.join(streamDir(id), 'stream.m3u8');
const inputFileOf = (id) => path.join(streamDir(id), 'temp.webm');
const playbackUrlOf = (id) => `${baseUrl}/livestream/${id}/stream.m3u8`;
const ingestUrlOf = () => `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;

// ---------------------------------------------------------------------------------------------
// State. `registry` stands for the backend's simulated Cloudinary streams (HTTP start/stop);
// `streams` is its local stream map: socket setups, and the placeholders HTTP requests make.

const registry = new Map(); // id -> {streamId, userId, title, description, status, createdAt, updatedAt, …}
const streams = new Map(); // id -> local stream (see newStream)
const encoders = new Set(); // every ffmpeg still running, whatever became of its stream

// A playlist without segments: what a setup writes (and what a placeholder gets, minus the last tag
// and the last newline).
const SETUP_PLAYLIST = ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0',
  '#EXT-X-PLAYLIST-TYPE:EVENT', '#EXT-X-INDEPENDENT-SEGMENTS', ''].join('\n');
const PLACEHOLDER_PLAYLIST = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0',
  '#EXT-X-PLAYLIST-TYPE:EVENT'].join('\n');

function newStream(id, fields) {
  return {
    streamKey: id,
    userId: null,
    status: 'waiting_for_broadcaster', // 'active' (set up) → 'broadcasting' (ffmpeg runs); 'error'
    hasCommand: false, // a socket setup prepared an encoder (it may never run)
    hasInput: false, // a socket setup finished: stream-data is taken
    broadcasterSocketId: null,
    setupSocket: null, // the socket whose start-stream made this setup: hears about its ffmpeg
    viewers: new Set(),
    startedAt: new Date().toISOString(),
    lastDataMs: Date.now(),
    lastDataAt: null,
    chunks: 0,
    bytes: 0,
    ffmpeg: null, // the encoder, once started (kept after it exited)
    ffmpegRunning: false,
    monitor: null,
    stderrTail: '',
    segmentCount: 0,
    ...fields,
  };
}

function segmentFiles(id) {
  try {
    return readdirSync(streamDir(id)).filter((name) => name.endsWith('.ts'));
  } catch {
    return [];
  }
}

// Like the backend: what HTTP needs for any id, made on demand.
function ensureHttpStream(id, userId = 'anonymous') {
  const dir = streamDir(id);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(manifestOf(id))) {
    writeFileSync(manifestOf(id), PLACEHOLDER_PLAYLIST, 'utf8');
  }
  if (!streams.has(id)) {
    streams.set(id, newStream(id, { userId }));
    record({ kind: 'placeholder', streamKey: id, userId });
  }
}

// Appends #EXT-X-ENDLIST to a playlist that has none.
function endPlaylist(id) {
  let content;
  try {
    content = readFileSync(manifestOf(id), 'utf8');
  } catch {
    return;
  }
  if (!content.includes('#EXT-X-ENDLIST')) {
    appendFileSync(manifestOf(id), '\n#EXT-X-ENDLIST\n', 'utf8');
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

function send(response, status, body, headers = {}) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Access-Control-Allow-Origin': '*',
    ...headers,
  });
  response.end(text);
}

async function readBody(request) {
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > 1024 * 1024) {
      throw Object.assign(new Error('Request body is too large'), { statusCode: 413 });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// Like Fastify's JSON body parser: a JSON content type with a body that is not JSON is a 400 with
// Fastify's error shape; no body at all leaves `body` undefined, which the backend's handlers then
// trip over (a 500 with the TypeError's message).
async function parsedBody(request) {
  const text = await readBody(request);
  request.bodyText = text; // for the event log
  const type = request.headers['content-type'] ?? '';
  if (text === '' && !type.startsWith('application/json')) {
    return { body: undefined };
  }
  if (!type.startsWith('application/json')) {
    return { error: { status: 415, body: { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      error: 'Unsupported Media Type', message: `Unsupported Media Type: ${type}` } } };
  }
  if (text === '') {
    return { error: { status: 400, body: { statusCode: 400, code: 'FST_ERR_CTP_EMPTY_JSON_BODY',
      error: 'Bad Request', message: "Body cannot be empty when content-type is set to 'application/json'" } } };
  }
  try {
    return { body: JSON.parse(text) };
  } catch (error) {
    return { error: { status: 400, body: { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY',
      error: 'Bad Request', message: error.message } } };
  }
}

// The backend's handlers read fields straight off the body; a missing body is a TypeError → 500.
function fieldsOf(body) {
  if (body === undefined || body === null) {
    throw new TypeError(`Cannot destructure property 'userId' of 'request.body' as it is ${body}.`);
  }
  return body;
}


function health(response) {
  send(response, 200, {
    status: 'healthy',
    timestamp: new Date().toISOString(),
    streamsDirectory: { exists: existsSync(config.dataDir), path: config.dataDir },
    activeStreams: {
      count: streams.size,
      streams: [...streams.values()].map((stream) => ({
        streamKey: stream.streamKey, userId: stream.userId, startedAt: stream.startedAt,
        viewers: stream.viewers.size, hasFfmpegCommand: stream.hasCommand, hasInputStream: stream.hasInput,
      })),
    },
    memoryUsage: process.memoryUsage(),
  });
}

// Every stream of the registry, stopped ones too.
function listActive(response) {
  const listed = [...registry.values()].map((stream) => ({
    streamId: stream.streamId,
    userId: stream.userId,
    status: stream.status,
    startedAt: stream.createdAt,
    isActive: stream.status === 'active',
    playbackUrl: stream.playbackUrl,
    ingestUrl: stream.streamUrl,
  }));
  send(response, 200, { count: listed.length, streams: listed });
}

function markActive(stream) {
  stream.status = 'active';
  stream.updatedAt = new Date().toISOString();
}

function startStream(response, id, body) {
  const { userId, action, title, description } = fieldsOf(body);
  if (action !== 'start') {
    send(response, 400, { error: 'Invalid action. Use "start"' });
    return;
  }
  const existing = registry.get(id);
  if (existing) {
    markActive(existing);
    send(response, 200, {
      status: 'already_exists', streamId: id, message: 'Stream already exists and is now active',
      playbackUrl: existing.playbackUrl, ingestUrl: existing.streamUrl, timestamp: new Date().toISOString(),
    });
    return;
  }
  const now = new Date().toISOString();
  const stream = {
    streamId: id,
    userId: userId || 'anonymous',
    title: title || `Live Stream ${id}`,
    description: description || 'Live stream created via API',
    status: 'created',
    createdAt: now,
    updatedAt: now,
    playbackUrl: playbackUrlOf(id),
    streamUrl: ingestUrlOf(),
  };
  registry.set(id, stream);
  markActive(stream);
  ensureHttpStream(id, userId || 'anonymous');
  send(response, 200, {
    status: 'created_and_started', streamId: id, message: 'Stream created and started successfully in Cloudinary',
    playbackUrl: stream.playbackUrl, ingestUrl: stream.streamUrl, timestamp: new Date().toISOString(),
  });
}

function stopStream(response, id, body) {
  const { action } = fieldsOf(body);
  if (action !== 'stop') {
    send(response, 400, { error: 'Invalid action. Use "stop"' });
    return;
  }
  const stream = registry.get(id);
  if (stream) {
    stream.status = 'inactive';
    stream.updatedAt = new Date().toISOString();
    send(response, 200, { status: 'stopped', streamId: id, message: 'Stream stopped successfully in Cloudinary',
      timestamp: new Date().toISOString() });
    return;
  }
  send(response, 200, { status: 'already_stopped', streamId: id, message: 'Stream was not active or already stopped',
    timestamp: new Date().toISOString() });
}

function playback(response, id) {
  const stream = registry.get(id);
  if (!stream) {
    send(response, 404, { error: 'Stream not found' });
    return;
  }
  send(response, 200, { streamId: id, playbackUrl: stream.playbackUrl, ingestUrl: stream.streamUrl,
    status: stream.status });
}

function publicStreamData(stream) {
  if (!stream) {
    return null;
  }
  return {
    userId: stream.userId,
    startedAt: stream.startedAt,
    viewers: stream.viewers.size,
    hasFfmpegCommand: stream.hasCommand,
    hasInputStream: stream.hasInput,
    broadcasterSocketId: stream.broadcasterSocketId,
    // Not in the backend's answer; for tests.
    streamKey: stream.streamKey,
    status: stream.status,
    broadcasting: stream.ffmpegRunning,
    chunks: stream.chunks,
    bytes: stream.bytes,
    lastDataAt: stream.lastDataAt,
  };
}

function status(response, id) {
  // Their bug, kept: asking makes a placeholder, so every polled id looks active.
  ensureHttpStream(id);
  const stream = streams.get(id);
  const dir = streamDir(id);
  const manifest = manifestOf(id);
  const streamDirExists = existsSync(dir);
  const manifestExists = existsSync(manifest);
  const files = streamDirExists ? readdirSync(dir).sort() : [];
  const manifestContent = manifestExists ? readFileSync(manifest, 'utf8') : null;
  const entry = registry.get(id);
  const cloudinary = entry
    ? { status: entry.status, streamId: id, userId: entry.userId, createdAt: entry.createdAt,
      updatedAt: entry.updatedAt, isActive: entry.status === 'active' }
    : { status: 'not_found', message: 'Stream not found' };
  const localActive = stream !== undefined;
  send(response, 200, {
    streamId: id,
    local: { isActive: localActive, manifestExists, streamDirExists, streamData: publicStreamData(stream), files,
      manifestContent },
    cloudinary,
    overall: {
      isActive: localActive,
      hasManifest: manifestExists,
      hasStreamDir: streamDirExists,
      hasVideoContent: manifestExists && manifestContent !== '' && !manifestContent.includes('#EXT-X-ENDLIST') &&
        files.some((name) => name.endsWith('.ts')),
    },
  });
}

function servePlaylist(response, id) {
  ensureHttpStream(id);
  serveFile(response, manifestOf(id), 'application/vnd.apple.mpegurl', 'no-cache', 'Stream not found or not started');
}

function rtmpKey(response, id, body) {
  const publicKey = body && typeof body.publicKey === 'string' ? body.publicKey : '';
  const streamKey = publicKey ? `${id}_${publicKey.slice(0, 16)}` : id;
  send(response, 200, {
    streamId: id, streamKey, rtmpUrl: `rtmp://${config.host}:1935/live/${streamKey}`,
    message: 'RTMP key generated', timestamp: new Date().toISOString(),
  });
}

function serveFile(response, file, type, cacheControl, notFound) {
  let data;
  try {
    data = readFileSync(file);
  } catch {
    send(response, 404, { error: notFound });
    return;
  }
  response.writeHead(200, {
    'Content-Type': type, 'Content-Length': data.length, 'Cache-Control': cacheControl,
    'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, HEAD',
    'Access-Control-Allow-Headers': '*',
  });
  response.end(data);
}

async function applyFault(response) {
  const fault = faults[0];
  if (!fault) {
    return false;
  }
  fault.count = (fault.count ?? 1) - 1;
  if (fault.count <= 0) {
    faults.shift();
  }
  switch (fault.mode) {
    case 'status500':
      send(response, 500, { error: 'Internal server error', message: String(fault.message ?? 'injected fault') });
      return true;
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, Number(fault.delayMs ?? 3000)));
      return false;
    case 'hang':
      return true;
    default:
      return false;
  }
}

async function handleControl(request, response, pathname) {
  if (pathname === '/__health') {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end('ok');
  } else if (pathname === '/__events' && request.method === 'GET') {
    send(response, 200, events);
  } else if (pathname === '/__faults' && request.method === 'DELETE') {
    faults = [];
    send(response, 200, { faults });
  } else if (pathname === '/__faults' && request.method === 'POST') {
    try {
      const fault = JSON.parse(await readBody(request));
      if (fault === null || typeof fault !== 'object' || typeof fault.mode !== 'string') {
        throw new Error('a fault is an object with a mode');
      }
      faults.push(fault);
      send(response, 200, { faults });
    } catch (error) {
      send(response, 400, { error: String(error.message ?? error) });
    }
  } else {
    send(response, 404, { error: 'unknown control path' });
  }
}

async function handleApi(request, response, pathname) {
  const method = request.method;
  if (pathname === '/livestream/health' && method === 'GET') {
    health(response);
    return;
  }
  if (pathname === '/livestream/active' && method === 'GET') {
    listActive(response);
    return;
  }
  const match = /^\/livestream\/([^/]+)\/([^/]+)$/.exec(pathname);
  if (!match) {
    send(response, 404, { message: `Route ${method}:${pathname} not found`, error: 'Not Found', statusCode: 404 });
    return;
  }
  let id;
  try {
    id = decodeURIComponent(match[1]);
  } catch {
    id = '';
  }
  const action = match[2];
  if (!isValidStreamId(id)) {
    send(response, 400, { error: 'Stream ID is required' });
    return;
  }
  if (method === 'POST' && (action === 'start' || action === 'stop' || action === 'rtmp-key')) {
    const parsed = await parsedBody(request);
    if (parsed.error) {
      send(response, parsed.error.status, parsed.error.body);
      return;
    }
    try {
      if (action === 'start') {
        startStream(response, id, parsed.body);
      } else if (action === 'stop') {
        stopStream(response, id, parsed.body);
      } else {
        rtmpKey(response, id, parsed.body);
      }
    } catch (error) {
      send(response, 500, { error: 'Internal server error', message: error.message });
    }
    return;
  }
  if (method === 'GET' || method === 'HEAD') {
    if (action === 'playback') {
      playback(response, id);
      return;
    }
    if (action === 'status') {
      status(response, id);
      return;
    }
    if (action === 'stream.m3u8') {
      servePlaylist(response, id);
      return;
    }
    if (/^segment_\d+\.ts$/.test(action)) {
      serveFile(response, path.join(streamDir(id), action), 'video/mp2t', 'public, max-age=3600',
        'Segment not found');
      return;
    }
  }
  send(response, 404, { message: `Route ${method}:${pathname} not found`, error: 'Not Found', statusCode: 404 });
}

async function handle(request, response) {
  const { pathname } = new URL(request.url, 'http://backend.invalid');
  if (pathname.startsWith('/__')) {
    await handleControl(request, response, pathname);
    return;
  }
  const entry = { kind: 'http', method: request.method, path: pathname };
  response.on('finish', () => record({ ...entry, body: request.bodyText, status: response.statusCode }));
  if (pathname.startsWith('/livestream/') && (await applyFault(response))) {
    return;
  }
  await handleApi(request, response, pathname);
}

const server = http.createServer((request, response) => {
  // Socket.IO answers its own path; everything else is the HTTP API.
  if (request.url.startsWith('/socket.io/')) {
    return;
  }
  handle(request, response).catch((error) => {
    if (!response.headersSent) {
      send(response, error.statusCode ?? 500, { error: 'Internal server error', message: error.message });
    } else {
      response.destroy();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Socket.IO

const io = new Server(server, {
  path: '/socket.io/',
  maxHttpBufferSize: MAX_BUFFER,
  cors: { origin: '*' },
  serveClient: false,
});

// The id of every socket that ever connected: the backend keeps a stream-end listener for each of
// them, disconnected or not, and each one repeats stream-ended to the stream's room.
const everConnected = [];

function emitTo(target, name, payload, to) {
  record({ kind: 'emit', event: name, to, payload });
  target.emit(name, payload);
}

function summarise(payload) {
  if (payload && typeof payload === 'object' && payload.chunk !== undefined && typeof payload.chunk !== 'string') {
    const size = payload.chunk?.length ?? payload.chunk?.byteLength;
    return { ...payload, chunk: `<${size} bytes>` };
  }
  return payload;
}

function asBuffer(chunk) {
  if (Buffer.isBuffer(chunk)) {
    return chunk;
  }
  if (chunk instanceof ArrayBuffer) {
    return Buffer.from(chunk);
  }
  if (ArrayBuffer.isView(chunk)) {
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  if (typeof chunk === 'string' || Array.isArray(chunk)) {
    return Buffer.from(chunk);
  }
  return null;
}

const keyOf = (data) => (data && typeof data === 'object' && isValidStreamId(data.streamKey) ? data.streamKey : null);

// The lines fluent-ffmpeg would quote from ffmpeg's stderr: the last run of lines that do not start
// with a space or "[".
function stderrSummary(text) {
  let kept = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.startsWith(' ') || line.startsWith('[')) {
      kept = [];
    } else {
      kept.push(line);
    }
  }
  return kept.join('\n').trim();
}

function stopEncoderQuietly(stream) {
  if (stream.ffmpeg && stream.ffmpegRunning) {
    stream.ffmpeg.quiet = true;
    stream.ffmpeg.kill('SIGKILL');
  }
}

// A new setup replaces a stream (a placeholder, a failed one, one whose ffmpeg runs).
function retire(stream) {
  clearInterval(stream.monitor);
  stream.monitor = null;
  stopEncoderQuietly(stream);
}

// The inactivity monitor: removes the stream, tells the socket that set it up, leaves the playlist
// open and ffmpeg running.
function checkActivity(stream) {
  if (Date.now() - stream.lastDataMs <= config.idleTimeoutMs) {
    return;
  }
  clearInterval(stream.monitor);
  stream.monitor = null;
  if (streams.get(stream.streamKey) === stream) {
    streams.delete(stream.streamKey);
  }
  record({ kind: 'idle-timeout', streamKey: stream.streamKey });
  emitTo(stream.setupSocket, 'stream-ended', { streamKey: stream.streamKey }, stream.setupSocket.id);
}

function setUpStream(socket, key, userId) {
  const finish = () => {
    const previous = streams.get(key);
    if (previous) {
      retire(previous);
    }
    mkdirSync(streamDir(key), { recursive: true });
    writeFileSync(manifestOf(key), SETUP_PLAYLIST, 'utf8');
    const stream = newStream(key, {
      userId, status: 'active', hasCommand: true, hasInput: true, broadcasterSocketId: socket.id, setupSocket: socket,
    });
    streams.set(key, stream);
    socket.join(key);
    stream.monitor = setInterval(() => checkActivity(stream), Math.max(1, Math.round(config.idleTimeoutMs / 3)));
    record({ kind: 'setup', streamKey: key, socket: socket.id, replaced: previous?.status ?? null });
  };
  if (kind('setup')) {
    finish();
  } else {
    setTimeout(finish, config.setupDelayMs);
  }
}

function startFfmpeg(stream) {
  const key = stream.streamKey;
  const dir = streamDir(key);
  mkdirSync(dir, { recursive: true });
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-f', 'webm', '-i', 'pipe:0',
    '-map', '0:v:0?', '-map', '0:a:0?',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
    '-force_key_frames', 'expr:gte(t,n_forced*1)',
    '-c:a', 'aac', '-b:a', '96k', '-ar', '48000',
    '-f', 'hls', '-hls_time', '1', '-hls_list_size', '30', '-hls_flags', 'delete_segments+independent_segments',
    '-hls_segment_filename', path.join(dir, 'segment_%d.ts'),
    manifestOf(key),
  ];
  const child = spawn(config.ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  stream.ffmpeg = child;
  stream.ffmpegRunning = true;
  stream.hasCommand = true;
  encoders.add(child);
  record({ kind: 'ffmpeg-start', streamKey: key, pid: child.pid ?? null });
  const setupSocket = stream.setupSocket;
  let spawnFailed = false;
  child.stderr.on('data', (data) => {
    stream.stderrTail = (stream.stderrTail + data.toString('utf8')).slice(-4000);
  });
  child.stdin.on('error', () => {}); // EPIPE when ffmpeg gave up; its exit is reported
  child.once('spawn', () => {
    if (stream.ffmpeg === child && !child.quiet) {
      stream.status = 'broadcasting';
      emitTo(setupSocket, 'stream-started', { streamKey: key, status: 'broadcasting' }, setupSocket.id);
    }
  });
  child.on('error', (error) => {
    spawnFailed = true;
    encoders.delete(child);
    if (stream.ffmpeg === child) {
      stream.ffmpegRunning = false;
      stream.status = 'error';
    }
    emitTo(setupSocket, 'stream-error', { error: `cannot run ffmpeg: ${error.message}` }, setupSocket.id);
  });
  child.on('close', (code, signal) => {
    encoders.delete(child);
    if (stream.ffmpeg === child) {
      stream.ffmpegRunning = false;
    }
    record({ kind: 'ffmpeg-exit', streamKey: key, code, signal });
    if (spawnFailed || child.quiet) {
      return;
    }
    if (code === 0) {
      // ffmpeg ended by itself (its input ended): the stream ends with it.
      clearInterval(stream.monitor);
      stream.monitor = null;
      endPlaylist(key);
      if (streams.get(key) === stream) {
        streams.delete(key);
      }
      emitTo(setupSocket, 'stream-ended', { streamKey: key }, setupSocket.id);
      return;
    }
    stream.status = 'error';
    const error = signal
      ? `ffmpeg was killed with signal ${signal}`
      : `ffmpeg exited with code ${code}: ${stderrSummary(stream.stderrTail)}`;
    emitTo(setupSocket, 'stream-error', { error }, setupSocket.id);
  });
}

// end-stream (sender: the socket that asked), or a broadcaster's disconnect under --kind disconnect
// (sender null).
function endStream(stream, sender) {
  const key = stream.streamKey;
  clearInterval(stream.monitor);
  stream.monitor = null;
  if (stream.ffmpeg && stream.ffmpegRunning) {
    stream.ffmpeg.kill('SIGKILL'); // its exit brings the stream-error
  }
  rmSync(inputFileOf(key), { force: true });
  endPlaylist(key);
  if (streams.get(key) === stream) {
    streams.delete(key);
  }
  const payload = { streamKey: key };
  if (!sender) {
    emitTo(io.to(key), 'stream-ended', payload, key);
    return;
  }
  sender.leave(key);
  emitTo(sender.to(key), 'stream-ended', payload, key);
  emitTo(sender, 'stream-ended', payload, sender.id);
  for (const id of everConnected) {
    io.to(key).except(id).emit('stream-ended', payload);
  }
  record({ kind: 'emit', event: 'stream-ended', to: key, payload, repeats: everConnected.length });
}

function onStreamData(socket, data) {
  const key = keyOf(data);
  const stream = key ? streams.get(key) : undefined;
  const chunk = data && typeof data === 'object' ? asBuffer(data.chunk) : null;
  if (!stream || !stream.hasInput) {
    // The backend only logs "Stream not found".
    record({ kind: 'dropped-chunk', streamKey: key ?? data?.streamKey ?? null, bytes: chunk ? chunk.length : null,
      socket: socket.id });
    return;
  }
  if (!chunk) {
    record({ kind: 'bad-chunk', streamKey: key, socket: socket.id });
    return;
  }
  stream.lastDataMs = Date.now();
  stream.lastDataAt = new Date(stream.lastDataMs).toISOString();
  const first = stream.bytes === 0;
  stream.chunks += 1;
  stream.bytes += chunk.length;
  try {
    mkdirSync(streamDir(key), { recursive: true });
    if (first) {
      writeFileSync(inputFileOf(key), chunk);
    } else {
      appendFileSync(inputFileOf(key), chunk);
    }
  } catch (error) {
    record({ kind: 'write-error', streamKey: key, message: error.message });
  }
  if (first) {
    const open = kind('gate') || chunk.length > GATE_BYTES;
    record({ kind: 'gate', streamKey: key, bytes: chunk.length, open });
    if (open && !stream.ffmpeg) {
      startFfmpeg(stream);
    }
  }
  if (stream.ffmpegRunning) {
    stream.ffmpeg.stdin.write(chunk);
  }
  const segmentCount = segmentFiles(key).length;
  if (segmentCount > 0) {
    const payload = { streamKey: key, segmentCount };
    if (segmentCount !== stream.segmentCount) {
      record({ kind: 'emit', event: 'stream-segments-updated', to: key, except: socket.id, payload });
    }
    stream.segmentCount = segmentCount;
    socket.to(key).emit('stream-segments-updated', payload);
  }
}

io.on('connection', (socket) => {
  record({ kind: 'connect', socket: socket.id });
  everConnected.push(socket.id);
  socket.join('general');
  emitTo(socket, 'channel-join', { channel: 'general', nickname: 'system' }, socket.id);

  // As received (before socket.io drops the events of a socket that disconnected meanwhile) …
  socket.onAny((name, payload) => {
    if (name !== 'stream-data') {
      record({ kind: 'received', event: name, socket: socket.id, payload: summarise(payload) });
    }
  });
  // … and as handled.
  const on = (name, handler) => socket.on(name, (payload) => {
    if (name !== 'stream-data') {
      record({ kind: 'event', event: name, socket: socket.id, payload: summarise(payload) });
    }
    handler(payload);
  });
  const ignore = (event, why, payload) => record({ kind: 'ignored', event, why, socket: socket.id,
    payload: summarise(payload) });

  on('start-stream', (data) => {
    const key = keyOf(data);
    if (!key) {
      ignore('start-stream', 'no valid streamKey', data);
      return;
    }
    const existing = streams.get(key);
    if (existing && existing.status === 'active') {
      existing.broadcasterSocketId = socket.id;
      existing.userId = data.userId;
      socket.join(key);
      record({ kind: 'reuse', streamKey: key, socket: socket.id });
      emitTo(socket, 'stream-started', { streamKey: key, status: 'broadcasting',
        message: 'Stream already active, reusing existing setup' }, socket.id);
      return;
    }
    setUpStream(socket, key, data.userId);
  });

  on('stream-data', (data) => onStreamData(socket, data));

  on('join-stream', (data) => {
    const key = keyOf(data);
    const stream = key ? streams.get(key) : undefined;
    if (!stream) {
      emitTo(socket, 'stream-error', { error: 'Stream not found' }, socket.id);
      return;
    }
    socket.join(key);
    stream.viewers.add(socket.id);
    const payload = { streamKey: key, viewerCount: stream.viewers.size };
    emitTo(socket, 'stream-joined', payload, socket.id);
    if (stream.broadcasterSocketId) {
      emitTo(socket.to(stream.broadcasterSocketId), 'viewer-joined', payload, stream.broadcasterSocketId);
    }
  });

  on('end-stream', (data) => {
    const key = keyOf(data);
    const stream = key ? streams.get(key) : undefined;
    if (!stream) {
      ignore('end-stream', 'stream not found', data);
      return;
    }
    if (stream.userId !== data.userId && stream.broadcasterSocketId !== socket.id) {
      ignore('end-stream', 'not authorised', data);
      return;
    }
    endStream(stream, socket);
  });

  on('channel-message', (data) => {
    if (!data || typeof data !== 'object' || typeof data.channel !== 'string') {
      ignore('channel-message', 'no channel', data);
      return;
    }
    const { channel, content, sender } = data;
    emitTo(io.to(channel), 'channel-message', { channel, content, sender }, channel);
  });

  on('join-channel', (data) => {
    if (!data || typeof data !== 'object' || typeof data.channel !== 'string') {
      ignore('join-channel', 'no channel', data);
      return;
    }
    socket.join(data.channel);
    emitTo(socket.to(data.channel), 'channel-join', { channel: data.channel, nickname: data.nickname }, data.channel);
  });

  on('leave-channel', (data) => {
    if (!data || typeof data !== 'object' || typeof data.channel !== 'string') {
      ignore('leave-channel', 'no channel', data);
      return;
    }
    socket.leave(data.channel);
    emitTo(socket.to(data.channel), 'channel-leave', { channel: data.channel, nickname: data.nickname },
      data.channel);
  });

  // The backend has no disconnect handling; this records the disconnect and, only under the kind
  // switches, cleans up.
  socket.on('disconnect', (reason) => {
    record({ kind: 'disconnect', socket: socket.id, reason });
    for (const stream of [...streams.values()]) {
      if (kind('disconnect') && stream.broadcasterSocketId === socket.id) {
        endStream(stream, null);
      } else if (kind('viewer-left') && stream.viewers.delete(socket.id) && stream.broadcasterSocketId) {
        emitTo(io.to(stream.broadcasterSocketId), 'viewer-left',
          { streamKey: stream.streamKey, viewerCount: stream.viewers.size }, stream.broadcasterSocketId);
      }
    }
  });
});

server.listen(config.port, config.host, () => {
  const address = server.address();
  baseUrl = `http://${config.host}:${address.port}`;
  const kinds = config.kind.size > 0 ? `, kind: ${[...config.kind].join(',')}` : '';
  console.log(`livestream backend listening on ${baseUrl} (data ${config.dataDir}${kinds})`);
});

let shuttingDown = false;
function shutDown(signal) {
  if (shuttingDown) {
    return;
  }
  shuttingDown = true;
  console.log(`livestream backend: ${signal}, closing`);
  for (const stream of streams.values()) {
    clearInterval(stream.monitor);
  }
  // Exits once the server is closed and every ffmpeg has been reaped (2 s at most).
  const encodersGone = [...encoders].map((child) => new Promise((resolve) => {
    child.quiet = true;
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', resolve);
    child.kill('SIGKILL');
  }));
  const serverClosed = new Promise((resolve) => server.close(resolve));
  io.close();
  server.closeAllConnections?.();
  Promise.all([serverClosed, ...encodersGone]).then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => shutDown('SIGTERM'));
process.on('SIGINT', () => shutDown('SIGINT'));
