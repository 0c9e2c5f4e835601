// SPDX-License-Identifier: GPL-2.0-or-later
// nostr-tools' half of the cross-check (see crosscheck.sh). nostr-tools is the reference most
// web clients run; our events must verify there, and theirs here.
//
//   node crosscheck.mjs verify              JSON lines on stdin: every event must pass verifyEvent
//                                           and getEventHash === id, and a tampered copy must fail
//   node crosscheck.mjs generate <n> <seed> n events with hostile random content, one per line
//   node crosscheck.mjs tamper              JSON lines on stdin, each broken once (content, tag,
//                                           sig or id changed)
// Exits non-zero when any verdict is not the expected one. nostr-tools comes from tests/peers
// (through its modules.mjs, which ES module resolution requires from outside that directory).

import { readFileSync } from 'node:fs'

const [mode, ...rest] = process.argv.slice(2)
if (!mode) {
  console.error('usage: node crosscheck.mjs verify | generate <n> <seed> | tamper')
  process.exit(2)
}
const { nostrPure: nostr } = await import('../../peers/modules.mjs')

function readLines() {
  return readFileSync(0, 'utf8').split('\n').filter((line) => line.length > 0)
}

// mulberry32: a small seeded generator, so a failing run can be replayed with its seed.
function seededRandom(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const hostileCodePoints = [
  ...Array.from({ length: 32 }, (_, index) => index),
  0x7f, 0x22, 0x5c, 0x2f, 0x3c, 0x3e, 0x26, 0x27, 0x80, 0x9f, 0xa0, 0x301, 0x2028, 0x2029, 0xfeff, 0xfffd,
  0xffff, 0x1f3a5, 0x1f9e1, 0x1f44b, 0x10000, 0x10ffff, 0xe000, 0xd7ff,
]

function randomText(random, maximumCodePoints) {
  const below = (bound) => Math.floor(random() * bound)
  const length = below(maximumCodePoints + 1)
  let text = ''
  for (let index = 0; index < length; index++) {
    let codePoint
    switch (below(5)) {
      case 0: codePoint = hostileCodePoints[below(hostileCodePoints.length)]; break
      case 1: codePoint = 0x20 + below(0x5f); break
      case 2: { const value = below(0x10000 - 0x800); codePoint = value < 0xd800 ? value : value + 0x800; break }
      case 3: codePoint = 0x10000 + below(0x100000); break
      default: codePoint = below(0x20)
    }
    text += String.fromCodePoint(codePoint)
  }
  return text
}

function verifyLines() {
  let failures = 0
  const lines = readLines()
  lines.forEach((line, index) => {
    const event = JSON.parse(line)
    // verifyEvent caches its verdict on the object: always hand it a fresh copy.
    const verified = nostr.verifyEvent({ ...event })
    const hash = nostr.getEventHash({ ...event })
    const tampered = { ...event, content: event.content + '.' }
    const tamperedVerified = nostr.verifyEvent(tampered)
    if (!verified || hash !== event.id || tamperedVerified) {
      failures++
      console.log(`UNEXPECTED line ${index + 1}: verifyEvent=${verified} getEventHash=${hash} id=${event.id} ` +
        `tamperedVerified=${tamperedVerified}`)
    }
  })
  console.log(`${lines.length} events, ${failures} unexpected verdicts (nostr-tools verifying ours)`)
  process.exit(lines.length > 0 && failures === 0 ? 0 : 1)
}

function generate(count, seed) {
  const random = seededRandom(seed)
  const below = (bound) => Math.floor(random() * bound)
  const keys = Array.from({ length: 8 }, () => nostr.generateSecretKey())
  const output = []
  for (let index = 0; index < count; index++) {
    const shape = below(10)
    const tagCount = shape === 1 ? 150 + below(100) : below(12)
    const tags = Array.from({ length: tagCount }, () =>
      Array.from({ length: 1 + below(6) }, (_, valueIndex) => randomText(random, valueIndex === 0 ? 3 : 40)))
    const template = {
      kind: below(65536),
      created_at: below(2000000000),
      tags,
      content: randomText(random, shape === 0 ? 40000 : 300),
    }
    output.push(JSON.stringify(nostr.finalizeEvent(template, keys[index % keys.length])))
  }
  process.stdout.write(output.join('\n') + '\n')
}

function flipHexDigit(hex, position) {
  const digit = hex[position] === '0' ? '1' : '0'
  return hex.slice(0, position) + digit + hex.slice(position + 1)
}

function tamper() {
  const output = readLines().map((line, index) => {
    const event = JSON.parse(line)
    switch (index % 4) {
      case 0: event.content += '\u2028'; break
      case 1: event.tags = [...event.tags, ['t', 'x']]; break
      case 2: event.sig = flipHexDigit(event.sig, 100); break
      default: event.id = flipHexDigit(event.id, 0)
    }
    return JSON.stringify(event)
  })
  process.stdout.write(output.join('\n') + '\n')
}

switch (mode) {
  case 'verify': verifyLines(); break
  case 'generate': generate(Number(rest[0] ?? 300), Number(rest[1] ?? 1)); break
  case 'tamper': tamper(); break
  default:
    console.error(`unknown mode ${mode}`)
    process.exit(2)
}
