// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/Bech32.hpp"

#include "hoststudio/nostr/NostrError.hpp"

#include <array>

namespace hoststudio::nostr {

namespace {

constexpr std::string_view charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::size_t checksumGroupCount = 6;
constexpr std::uint32_t bech32Constant = 1; // bech32m would be 0x2bc830a3

// The group value of a lower-case data character, or -1.
int groupValue(char character) noexcept
{
    const std::size_t position = charset.find(character);
    return position == std::string_view::npos ? -1 : static_cast<int>(position);
}

std::uint32_t polymod(std::span<const std::uint8_t> values) noexcept
{
    constexpr std::array<std::uint32_t, 5> generator{0x3b6a57b2U, 0x26508e6dU, 0x1ea119faU, 0x3d4233ddU, 0x2a1462b3U};
    std::uint32_t checksum = 1;
    for (const std::uint8_t value : values) {
        const std::uint32_t top = checksum >> 25U;
        checksum = ((checksum & 0x1ffffffU) << 5U) ^ value;
        for (std::uint32_t bit = 0; bit < generator.size(); ++bit) {
            if (((top >> bit) & 1U) != 0) {
                checksum ^= generator[bit];
            }
        }
    }
    return checksum;
}

// hrp expanded for the checksum: high bits, a zero, low bits.
std::vector<std::uint8_t> expandHumanReadablePart(std::string_view humanReadablePart)
{
    std::vector<std::uint8_t> expanded;
    expanded.reserve(humanReadablePart.size() * 2 + 1);
    for (const char character : humanReadablePart) {
        expanded.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(character) >> 5U));
    }
    expanded.push_back(0);
    for (const char character : humanReadablePart) {
        expanded.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(character) & 0x1fU));
    }
    return expanded;
}

bool isPrintableAscii(char character) noexcept
{
    return character >= 33 && character <= 126;
}

char toLowerAscii(char character) noexcept
{
    return (character >= 'A' && character <= 'Z') ? static_cast<char>(character - 'A' + 'a') : character;
}

} // namespace

core::Result<std::string> encodeBech32(std::string_view humanReadablePart, std::span<const std::uint8_t> fiveBitGroups)
{
    if (humanReadablePart.empty()) {
        return {NostrErrc::invalidBech32, "empty human-readable part"};
    }
    std::string lowerPart;
    lowerPart.reserve(humanReadablePart.size());
    for (const char character : humanReadablePart) {
        if (!isPrintableAscii(character)) {
            return {NostrErrc::invalidBech32, "human-readable part has a character outside ASCII 33-126"};
        }
        lowerPart.push_back(toLowerAscii(character));
    }
    const std::size_t totalLength = lowerPart.size() + 1 + fiveBitGroups.size() + checksumGroupCount;
    if (totalLength > bech32MaximumLength) {
        return {NostrErrc::invalidBech32, "encoding would be " + std::to_string(totalLength) +
                                              " characters, above the limit of " + std::to_string(bech32MaximumLength)};
    }
    std::vector<std::uint8_t> checksumInput = expandHumanReadablePart(lowerPart);
    for (const std::uint8_t group : fiveBitGroups) {
        if (group >= 32) {
            return {NostrErrc::invalidBech32, "data value " + std::to_string(group) + " does not fit in 5 bits"};
        }
        checksumInput.push_back(group);
    }
    checksumInput.insert(checksumInput.end(), checksumGroupCount, 0);
    const std::uint32_t checksum = polymod(checksumInput) ^ bech32Constant;

    std::string text = lowerPart;
    text.reserve(totalLength);
    text.push_back('1');
    for (const std::uint8_t group : fiveBitGroups) {
        text.push_back(charset[group]);
    }
    for (std::size_t index = 0; index < checksumGroupCount; ++index) {
        const auto shift = static_cast<std::uint32_t>(5 * (checksumGroupCount - 1 - index));
        text.push_back(charset[(checksum >> shift) & 0x1fU]);
    }
    return text;
}

core::Result<Bech32Data> decodeBech32(std::string_view text)
{
    if (text.size() > bech32MaximumLength) {
        return {NostrErrc::invalidBech32,
                std::to_string(text.size()) + " characters, above the limit of " + std::to_string(bech32MaximumLength)};
    }
    bool hasLower = false;
    bool hasUpper = false;
    for (std::size_t index = 0; index < text.size(); ++index) {
        const char character = text[index];
        if (!isPrintableAscii(character)) {
            return {NostrErrc::invalidBech32, "character outside ASCII 33-126 at position " + std::to_string(index)};
        }
        hasLower = hasLower || (character >= 'a' && character <= 'z');
        hasUpper = hasUpper || (character >= 'A' && character <= 'Z');
    }
    if (hasLower && hasUpper) {
        return {NostrErrc::invalidBech32, "mixed upper and lower case"};
    }
    const std::size_t separator = text.rfind('1');
    if (separator == std::string_view::npos) {
        return {NostrErrc::invalidBech32, "no separator '1'"};
    }
    if (separator == 0) {
        return {NostrErrc::invalidBech32, "empty human-readable part"};
    }
    if (text.size() - separator - 1 < checksumGroupCount) {
        return {NostrErrc::invalidBech32, "truncated: data part shorter than the 6-character checksum"};
    }

    Bech32Data decoded;
    decoded.humanReadablePart.reserve(separator);
    for (std::size_t index = 0; index < separator; ++index) {
        decoded.humanReadablePart.push_back(toLowerAscii(text[index]));
    }
    std::vector<std::uint8_t> checksumInput = expandHumanReadablePart(decoded.humanReadablePart);
    const std::size_t dataStart = separator + 1;
    std::vector<std::uint8_t> groups;
    groups.reserve(text.size() - dataStart);
    for (std::size_t index = dataStart; index < text.size(); ++index) {
        const int value = groupValue(toLowerAscii(text[index]));
        if (value < 0) {
            return {NostrErrc::invalidBech32, "character '" + std::string(1, text[index]) +
                                                  "' is not in the bech32 alphabet (position " + std::to_string(index) +
                                                  ")"};
        }
        groups.push_back(static_cast<std::uint8_t>(value));
    }
    checksumInput.insert(checksumInput.end(), groups.begin(), groups.end());
    const std::uint32_t residue = polymod(checksumInput);
    if (residue != bech32Constant) {
        if (residue == 0x2bc830a3U) {
            return {NostrErrc::invalidBech32, "bech32m checksum; NIP-19 uses plain bech32"};
        }
        return {NostrErrc::invalidBech32, "bad checksum"};
    }
    groups.resize(groups.size() - checksumGroupCount);
    decoded.fiveBitGroups = std::move(groups);
    return decoded;
}

std::vector<std::uint8_t> bytesToFiveBitGroups(std::span<const std::uint8_t> bytes)
{
    std::vector<std::uint8_t> groups;
    groups.reserve((bytes.size() * 8 + 4) / 5);
    std::uint32_t accumulator = 0;
    std::uint32_t bitCount = 0;
    for (const std::uint8_t byte : bytes) {
        accumulator = ((accumulator << 8U) | byte) & 0xfffU;
        bitCount += 8;
        while (bitCount >= 5) {
            bitCount -= 5;
            groups.push_back(static_cast<std::uint8_t>((accumulator >> bitCount) & 0x1fU));
        }
    }
    if (bitCount > 0) {
        groups.push_back(static_cast<std::uint8_t>((accumulator << (5 - bitCount)) & 0x1fU));
    }
    return groups;
}

core::Result<std::vector<std::uint8_t>> fiveBitGroupsToBytes(std::span<const std::uint8_t> groups)
{
    std::vector<std::uint8_t> bytes;
    bytes.reserve(groups.size() * 5 / 8);
    std::uint32_t accumulator = 0;
    std::uint32_t bitCount = 0;
    for (const std::uint8_t group : groups) {
        if (group >= 32) {
            return {NostrErrc::invalidBech32, "data value " + std::to_string(group) + " does not fit in 5 bits"};
        }
        accumulator = ((accumulator << 5U) | group) & 0xfffU;
        bitCount += 5;
        if (bitCount >= 8) {
            bitCount -= 8;
            bytes.push_back(static_cast<std::uint8_t>((accumulator >> bitCount) & 0xffU));
        }
    }
    if (bitCount >= 5) {
        return {NostrErrc::invalidBech32, "excess padding: " + std::to_string(bitCount) + " leftover bits"};
    }
    if ((accumulator & ((1U << bitCount) - 1U)) != 0) {
        return {NostrErrc::invalidBech32, "non-zero padding bits"};
    }
    return bytes;
}

} // namespace hoststudio::nostr
