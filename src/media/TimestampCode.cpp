// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/TimestampCode.hpp"

#include <cstring>

namespace hoststudio::media {

namespace {

constexpr int kBlocksPerRow = 50; // 2 marker + 48 data
constexpr int kDataBits = 48;
constexpr std::uint8_t kWhite = 235;
constexpr std::uint8_t kBlack = 16;
constexpr std::uint8_t kQuiet = 128;
constexpr std::uint64_t kTimeMask = (std::uint64_t{1} << 48U) - 1U;

std::uint16_t checkWord(std::uint32_t counter, std::uint64_t timeMs) noexcept
{
    const std::uint64_t folded = counter ^ (counter >> 16U) ^ timeMs ^ (timeMs >> 16U) ^ (timeMs >> 32U);
    return static_cast<std::uint16_t>((folded ^ 0xA5A5U) & 0xFFFFU);
}

void fillBlock(LumaPlane plane, int x, int y, int size, std::uint8_t value) noexcept
{
    for (int row = 0; row < size; ++row) {
        std::memset(plane.data + (y + row) * plane.stride + x, value, static_cast<std::size_t>(size));
    }
}

bool readBlock(ConstLumaPlane plane, int x, int y, int size) noexcept
{
    const int inset = size / 4;
    const int span = size - 2 * inset;
    unsigned sum = 0;
    for (int row = 0; row < span; ++row) {
        const std::uint8_t* line = plane.data + (y + inset + row) * plane.stride + x + inset;
        for (int column = 0; column < span; ++column) {
            sum += line[column];
        }
    }
    const unsigned count = static_cast<unsigned>(span * span);
    return sum / count >= 126U;
}

void writeRow(LumaPlane plane, int row, int size, std::uint64_t bits) noexcept
{
    const int y = size + row * size;
    fillBlock(plane, size, y, size, kWhite);
    fillBlock(plane, 2 * size, y, size, kBlack);
    for (int bit = 0; bit < kDataBits; ++bit) {
        const bool one = ((bits >> static_cast<unsigned>(kDataBits - 1 - bit)) & 1U) != 0U;
        fillBlock(plane, (3 + bit) * size, y, size, one ? kWhite : kBlack);
    }
}

std::optional<std::uint64_t> readRow(ConstLumaPlane plane, int row, int size) noexcept
{
    const int y = size + row * size;
    if (!readBlock(plane, size, y, size) || readBlock(plane, 2 * size, y, size)) {
        return std::nullopt;
    }
    std::uint64_t bits = 0;
    for (int bit = 0; bit < kDataBits; ++bit) {
        bits = (bits << 1U) | (readBlock(plane, (3 + bit) * size, y, size) ? 1U : 0U);
    }
    return bits;
}

} // namespace

int timestampBlockSize(int width, int height) noexcept
{
    if (width < 256) {
        return 0;
    }
    const int size = width / 64;
    return height >= 4 * size ? size : 0;
}

StampArea timestampStampArea(int width, int height) noexcept
{
    const int size = timestampBlockSize(width, height);
    return {size * (kBlocksPerRow + 2), size * 4};
}

bool burnTimestamp(LumaPlane plane, TimestampStamp stamp) noexcept
{
    const int size = timestampBlockSize(plane.width, plane.height);
    if (size == 0 || plane.data == nullptr) {
        return false;
    }
    const StampArea area = timestampStampArea(plane.width, plane.height);
    for (int row = 0; row < area.height; ++row) {
        std::memset(plane.data + row * plane.stride, kQuiet, static_cast<std::size_t>(area.width));
    }
    const std::uint64_t time = stamp.captureTimeMs & kTimeMask;
    writeRow(plane, 0, size, (std::uint64_t{stamp.frameCounter} << 16U) | checkWord(stamp.frameCounter, time));
    writeRow(plane, 1, size, time);
    return true;
}

std::optional<TimestampStamp> readTimestamp(ConstLumaPlane plane) noexcept
{
    const int size = timestampBlockSize(plane.width, plane.height);
    if (size == 0 || plane.data == nullptr) {
        return std::nullopt;
    }
    const auto first = readRow(plane, 0, size);
    const auto second = readRow(plane, 1, size);
    if (!first || !second) {
        return std::nullopt;
    }
    TimestampStamp stamp;
    stamp.frameCounter = static_cast<std::uint32_t>(*first >> 16U);
    stamp.captureTimeMs = *second;
    if (checkWord(stamp.frameCounter, stamp.captureTimeMs) != (*first & 0xFFFFU)) {
        return std::nullopt;
    }
    return stamp;
}

} // namespace hoststudio::media
