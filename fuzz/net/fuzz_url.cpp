// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzzes net::Url::parse: any bytes must give a URL that prints and re-parses to itself, or an error.
#include "hoststudio/net/Url.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto url = hoststudio::net::Url::parse(text);
    if (url.ok()) {
        const auto again = hoststudio::net::Url::parse(url->toString());
        if (!again.ok() || again->toString() != url->toString() || again->port() != url->port()) {
            std::abort();
        }
    }
    return 0;
}
