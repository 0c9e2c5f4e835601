// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A machine-readable stamp burned into the top-left of a frame's luma plane: the frame counter and
// the capture time (milliseconds since the Unix epoch), so a test or the latency benchmark can read
// them back from frames decoded after the whole encode → ingest → player path.
//
// Layout (blockSize = width / 64 pixels, square blocks, two rows starting one block from the top
// and left edges): each row is a start marker (white, black) and 48 data bits, most significant
// first, white = 1. Row 0: the 32-bit counter and a 16-bit check word over counter and time;
// row 1: the 48-bit time. A block is read as the mean of its central half, so H.264 at streaming
// bitrates and chroma subsampling do not disturb it. Needs width ≥ 256 and height ≥ 4 blocks.
//
// Thread safety: pure functions.

#include <cstddef>
#include <cstdint>
#include <optional>

namespace hoststudio::media {

struct TimestampStamp {
    std::uint32_t frameCounter = 0;
    std::uint64_t captureTimeMs = 0; // < 2^48

    friend bool operator==(const TimestampStamp&, const TimestampStamp&) = default;
};

struct LumaPlane {
    std::uint8_t* data = nullptr;
    std::ptrdiff_t stride = 0; // bytes per row
    int width = 0;
    int height = 0;
};

struct ConstLumaPlane {
    const std::uint8_t* data = nullptr;
    std::ptrdiff_t stride = 0;
    int width = 0;
    int height = 0;
};

// The block size for a frame width, 0 when the frame is too small to carry a stamp.
[[nodiscard]] int timestampBlockSize(int width, int height) noexcept;

// The rectangle the stamp occupies (including its quiet margin), in pixels from the top-left.
struct StampArea {
    int width = 0;
    int height = 0;
};
[[nodiscard]] StampArea timestampStampArea(int width, int height) noexcept;

// Writes the stamp (limited-range black 16 / white 235 on a grey quiet zone). False when the
// plane is too small.
bool burnTimestamp(LumaPlane plane, TimestampStamp stamp) noexcept;

// Reads a stamp back; empty when there is none or its check word does not match.
[[nodiscard]] std::optional<TimestampStamp> readTimestamp(ConstLumaPlane plane) noexcept;

} // namespace hoststudio::media
