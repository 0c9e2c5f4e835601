// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: NIP-11 relay information documents (what any relay's HTTP answer may hold)
// and the limits the relay pool derives from them.
// Properties: parsing never crashes; a document that parses yields limits the pool can apply
// (no refusal for a frame within every limit, clamping never raises a limit).

#include "../FuzzSupport.hpp"

#include "hoststudio/nostr/Filter.hpp"
#include "hoststudio/nostr/RelayBookkeeping.hpp"
#include "hoststudio/nostr/RelayInformation.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using hoststudio::fuzz::failProperty;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace hoststudio::nostr;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto information = parseRelayInformation(text);
    if (!information) {
        return 0;
    }
    const RelayLimitation& limits = information->limitation;
    (void)information->supportsNip(11);

    const Event empty;
    if (!limits.authRequired && eventRefusal(limits, empty, 0, false).has_value()) {
        failProperty("an empty event of 0 bytes was refused");
    }
    (void)requestRefusal(limits, 1, 100, true);

    Filter filter;
    filter.limit = 1000000;
    const auto clamped = clampToMaxLimit({filter, Filter{}}, limits);
    if (clamped.size() != 2 || !clamped[0].limit || *clamped[0].limit > 1000000 || clamped[1].limit) {
        failProperty("clampToMaxLimit raised or invented a limit");
    }

    SubscriptionSlots slots;
    slots.setLimit(limits.maxSubscriptions);
    for (int index = 0; index < 4; ++index) {
        (void)slots.request(std::to_string(index));
    }
    if (limits.maxSubscriptions && slots.openCount() > *limits.maxSubscriptions) {
        failProperty("more subscriptions open than max_subscriptions");
    }
    return 0;
}
