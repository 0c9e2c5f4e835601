// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/Hex.hpp"

#include "hoststudio/nostr/NostrError.hpp"

namespace hoststudio::nostr {

namespace {

constexpr std::string_view lowerHexDigits = "0123456789abcdef";

// The value of one hex digit, or -1.
int hexDigitValue(char digit, HexCase allowedCase) noexcept
{
    if (digit >= '0' && digit <= '9') {
        return digit - '0';
    }
    if (digit >= 'a' && digit <= 'f') {
        return digit - 'a' + 10;
    }
    if (allowedCase == HexCase::lowerOrUpper && digit >= 'A' && digit <= 'F') {
        return digit - 'A' + 10;
    }
    return -1;
}

core::Result<std::vector<std::uint8_t>> decode(std::string_view text, HexCase allowedCase)
{
    if (text.size() % 2 != 0) {
        return {NostrErrc::invalidHex, "odd number of hex digits (" + std::to_string(text.size()) + ")"};
    }
    std::vector<std::uint8_t> bytes;
    bytes.reserve(text.size() / 2);
    for (std::size_t index = 0; index < text.size(); index += 2) {
        const int high = hexDigitValue(text[index], allowedCase);
        const int low = hexDigitValue(text[index + 1], allowedCase);
        if (high < 0 || low < 0) {
            const std::size_t badIndex = high < 0 ? index : index + 1;
            const bool isUpper = text[badIndex] >= 'A' && text[badIndex] <= 'F';
            return {NostrErrc::invalidHex, std::string(isUpper ? "upper-case hex digit" : "not a hex digit") +
                                               " at position " + std::to_string(badIndex)};
        }
        bytes.push_back(static_cast<std::uint8_t>(high * 16 + low));
    }
    return bytes;
}

} // namespace

std::string toHex(std::span<const std::uint8_t> bytes)
{
    std::string text;
    text.reserve(bytes.size() * 2);
    for (const std::uint8_t byte : bytes) {
        text.push_back(lowerHexDigits[byte >> 4U]);
        text.push_back(lowerHexDigits[byte & 0x0FU]);
    }
    return text;
}

core::Result<std::vector<std::uint8_t>> fromHex(std::string_view text, std::size_t expectedByteCount,
                                                HexCase allowedCase)
{
    if (text.size() != expectedByteCount * 2) {
        return {NostrErrc::invalidHex, "expected " + std::to_string(expectedByteCount * 2) + " hex digits, got " +
                                           std::to_string(text.size())};
    }
    return decode(text, allowedCase);
}

core::Result<std::vector<std::uint8_t>> fromHexAnyLength(std::string_view text, HexCase allowedCase)
{
    return decode(text, allowedCase);
}

bool isLowerHex(std::string_view text, std::size_t expectedByteCount) noexcept
{
    if (text.size() != expectedByteCount * 2) {
        return false;
    }
    for (const char digit : text) {
        if (hexDigitValue(digit, HexCase::lowerOnly) < 0) {
            return false;
        }
    }
    return true;
}

} // namespace hoststudio::nostr
