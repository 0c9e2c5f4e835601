// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzzes the Cloudinary answer interpretation and the lenient stream parsers: any body, any status,
// must give data or an error, never a crash or an escaping exception.
#include "hoststudio/cloud/CloudinaryModel.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1) {
        return 0;
    }
    static constexpr int statuses[] = {200, 401, 404, 420, 429, 500, 503};
    const int status = statuses[data[0] % (sizeof(statuses) / sizeof(statuses[0]))];
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::vector<hoststudio::cloud::HttpHeader> headers{
        {"Retry-After", std::string(body.substr(0, 40))},
        {"X-FeatureRateLimit-Reset", std::string(body.substr(0, 40))}};
    const hoststudio::cloud::ApiOutcome outcome = hoststudio::cloud::interpretApiResponse(status, headers, body);
    if (outcome.data.ok()) {
        const auto& value = outcome.data.value();
        static_cast<void>(hoststudio::cloud::parseLiveStream(value));
        static_cast<void>(hoststudio::cloud::parseLiveStreamList(value));
        static_cast<void>(hoststudio::cloud::parseOutput(value));
    }
    return 0;
}
