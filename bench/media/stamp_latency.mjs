// Reads the burned-in frame counter and capture time (see include/hoststudio/media/TimestampCode.hpp)
// from raw grey frames on stdin (the top STAMP_ROWS rows of each WIDTH-wide frame, as written by
// `ffmpeg … -vf crop=WIDTH:STAMP_ROWS:0:0,format=gray -f rawvideo -`), and prints one JSON summary
// of capture → here latency: {"frames":…, "unreadable":…, "medianMs":…, "p95Ms":…, "maxMs":…,
// "counterGaps":…}. Frames received in the first SKIP_SECONDS (the player's start-up) are not counted.
// Usage: node stamp_latency.mjs WIDTH [SKIP_SECONDS]
// SPDX-License-Identifier: GPL-2.0-or-later
const width = Number(process.argv[2]);
const skipMs = Number(process.argv[3] ?? 3) * 1000;
const size = Math.floor(width / 64);
const rows = 4 * size;
const frameBytes = width * rows;

function block(frame, x, y) {
  const inset = Math.floor(size / 4);
  const span = size - 2 * inset;
  let sum = 0;
  for (let row = 0; row < span; row++) {
    const offset = (y + inset + row) * width + x + inset;
    for (let column = 0; column < span; column++) sum += frame[offset + column];
  }
  return Math.floor(sum / (span * span)) >= 126;
}

function readRow(frame, row) {
  const y = size + row * size;
  if (!block(frame, size, y) || block(frame, 2 * size, y)) return null;
  let bits = 0n;
  for (let bit = 0; bit < 48; bit++) bits = (bits << 1n) | (block(frame, (3 + bit) * size, y) ? 1n : 0n);
  return bits;
}

function check(counter, time) {
  const c = BigInt(counter);
  const folded = c ^ (c >> 16n) ^ time ^ (time >> 16n) ^ (time >> 32n);
  return Number((folded ^ 0xa5a5n) & 0xffffn);
}

const started = Date.now();
const latencies = [];
let unreadable = 0;
let counterGaps = 0;
let lastCounter = null;
let pending = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  const now = Date.now();
  pending = Buffer.concat([pending, chunk]);
  while (pending.length >= frameBytes) {
    const frame = pending.subarray(0, frameBytes);
    pending = pending.subarray(frameBytes);
    const first = readRow(frame, 0);
    const second = readRow(frame, 1);
    if (first === null || second === null || check(Number(first >> 16n), second) !== Number(first & 0xffffn)) {
      unreadable++;
      continue;
    }
    const counter = Number(first >> 16n);
    if (lastCounter !== null && counter !== lastCounter + 1) counterGaps++;
    lastCounter = counter;
    if (now - started >= skipMs) latencies.push(now - Number(second));
  }
});
process.stdin.on('end', () => {
  latencies.sort((a, b) => a - b);
  const at = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : null);
  console.log(JSON.stringify({
    frames: latencies.length, unreadable, counterGaps,
    minMs: at(0), medianMs: at(0.5), p95Ms: at(0.95), maxMs: latencies.length ? latencies[latencies.length - 1] : null,
  }));
});
