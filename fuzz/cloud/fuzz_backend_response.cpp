// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzzes the seed backend's answer interpretation and every response parser: any body, any status,
// must give a value or an error, never a crash or an escaping exception.
#include "hoststudio/cloud/BackendModel.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1) {
        return 0;
    }
    static constexpr int statuses[] = {200, 201, 302, 400, 404, 415, 500, 502};
    const int status = statuses[data[0] % (sizeof(statuses) / sizeof(statuses[0]))];
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto value = hoststudio::cloud::interpretBackendResponse(status, body, "fuzz");
    if (value.ok()) {
        static_cast<void>(hoststudio::cloud::parseBackendHealth(*value));
        static_cast<void>(hoststudio::cloud::parseBackendStart(*value));
        static_cast<void>(hoststudio::cloud::parseBackendStop(*value));
        static_cast<void>(hoststudio::cloud::parseBackendPlayback(*value));
        static_cast<void>(hoststudio::cloud::parseBackendStatus(*value));
        static_cast<void>(hoststudio::cloud::parseBackendActive(*value));
    }
    // Stream ids come from events other people publish: any bytes must make a path or an error.
    static_cast<void>(hoststudio::cloud::backendStreamPath(body.substr(0, 200), "status"));
    return 0;
}
