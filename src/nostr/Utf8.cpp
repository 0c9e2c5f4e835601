// SPDX-License-Identifier: GPL-2.0-or-later
#include "Utf8.hpp"

#include <cstdint>

namespace hoststudio::nostr::detail {

std::optional<std::size_t> firstInvalidUtf8Offset(std::string_view text) noexcept
{
    std::size_t index = 0;
    const std::size_t size = text.size();
    auto byteAt = [&text](std::size_t position) { return static_cast<std::uint8_t>(text[position]); };
    while (index < size) {
        const std::uint8_t lead = byteAt(index);
        if (lead < 0x80U) {
            ++index;
            continue;
        }
        std::size_t continuationCount = 0;
        std::uint8_t minimumSecond = 0x80U;
        std::uint8_t maximumSecond = 0xBFU;
        if (lead >= 0xC2U && lead <= 0xDFU) {
            continuationCount = 1;
        } else if (lead == 0xE0U) {
            continuationCount = 2;
            minimumSecond = 0xA0U; // no overlong three-byte forms
        } else if (lead == 0xEDU) {
            continuationCount = 2;
            maximumSecond = 0x9FU; // no UTF-16 surrogates
        } else if (lead >= 0xE1U && lead <= 0xEFU) {
            continuationCount = 2;
        } else if (lead == 0xF0U) {
            continuationCount = 3;
            minimumSecond = 0x90U; // no overlong four-byte forms
        } else if (lead >= 0xF1U && lead <= 0xF3U) {
            continuationCount = 3;
        } else if (lead == 0xF4U) {
            continuationCount = 3;
            maximumSecond = 0x8FU; // nothing above U+10FFFF
        } else {
            return index; // continuation byte as lead, C0/C1 overlong leads, F5..FF
        }
        if (size - index <= continuationCount) {
            return index; // truncated sequence
        }
        const std::uint8_t second = byteAt(index + 1);
        if (second < minimumSecond || second > maximumSecond) {
            return index;
        }
        for (std::size_t offset = 2; offset <= continuationCount; ++offset) {
            const std::uint8_t continuation = byteAt(index + offset);
            if (continuation < 0x80U || continuation > 0xBFU) {
                return index;
            }
        }
        index += continuationCount + 1;
    }
    return std::nullopt;
}

} // namespace hoststudio::nostr::detail
