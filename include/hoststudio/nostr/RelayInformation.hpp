// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// NIP-11 relay information: what a relay says about itself on an HTTP GET of its URL (ws → http,
// wss → https) with "Accept: application/nostr+json", and the limits the pool should respect.
//
//   net::HttpClient& http = ...;
//   core::Result<RelayInformation> info = fetchRelayInformation(http, "wss://relay.example", 5s);
//
// RelayPool fetches it by itself for every relay it connects to and keeps to the limits (see
// RelayPool.hpp and RelayBookkeeping.hpp).
//
// Parsing is lenient, as clients read it: unknown fields are ignored, a field of the wrong type is
// treated as absent; only a body that is not a JSON object is an error (invalidJson).
//
// Thread safety: value types and pure functions; fetchRelayInformation() blocks the caller and
// must not be called on the network thread.

#include "hoststudio/core/Result.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::net {
class HttpClient;
} // namespace hoststudio::net

namespace hoststudio::nostr {

struct RelayLimitation {
    std::optional<std::uint64_t> maxMessageLength; // bytes of one WebSocket frame
    std::optional<std::uint64_t> maxSubscriptions;
    std::optional<std::uint64_t> maxContentLength;
    std::optional<std::uint64_t> maxEventTags;
    std::optional<std::uint64_t> maxFilters; // filters in one REQ
    std::optional<std::uint64_t> maxLimit;   // the largest `limit` a filter may ask for
    bool authRequired = false;
    bool paymentRequired = false;
    bool restrictedWrites = false;
};

struct RelayInformation {
    std::string name;
    std::string description;
    std::string software;
    std::string version;
    std::vector<int> supportedNips;
    RelayLimitation limitation;

    [[nodiscard]] bool supportsNip(int nip) const noexcept;
};

// The HTTP URL of a relay URL: ws:// → http://, wss:// → https://; invalidArgument otherwise.
[[nodiscard]] core::Result<std::string> relayInformationUrl(std::string_view relayUrl);
[[nodiscard]] core::Result<RelayInformation> parseRelayInformation(std::string_view jsonText);
// GET with "Accept: application/nostr+json"; the HttpClient's errors, or net::NetErrc::httpStatus
// for a non-2xx answer, or parseRelayInformation()'s.
[[nodiscard]] core::Result<RelayInformation> fetchRelayInformation(net::HttpClient& http, std::string_view relayUrl,
                                                                   std::chrono::milliseconds timeout);

} // namespace hoststudio::nostr
