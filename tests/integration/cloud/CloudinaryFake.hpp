// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The Cloudinary API stand-in (tests/peers/cloudinary-fake.mjs) on a free 127.0.0.1 port, started
// by a test and stopped by its pid when the object goes; faults injected and requests counted
// through its control paths. Also: a log capture that keeps every Qt message of the test.

#include "ChildProcess.hpp"
#include "hoststudio/net/HttpClient.hpp"
#include "hoststudio/net/NetworkThread.hpp"

#include <QtGlobal>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hoststudio::cloud::testing {

inline constexpr const char* kCloud = "testcloud";
inline constexpr const char* kApiKey = "987654321098765";
inline constexpr const char* kApiSecret = "fake-secret-for-tests-0123456789";

class CloudinaryFake {
public:
    // extraArguments: e.g. {"--activate-after-ms", "300"}. nullptr and `why` on failure.
    static std::unique_ptr<CloudinaryFake> start(std::string& why, const std::vector<std::string>& extraArguments = {});
    ~CloudinaryFake();
    CloudinaryFake(const CloudinaryFake&) = delete;
    CloudinaryFake& operator=(const CloudinaryFake&) = delete;
    CloudinaryFake(CloudinaryFake&&) = delete;
    CloudinaryFake& operator=(CloudinaryFake&&) = delete;

    [[nodiscard]] std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // POST /__faults; false when the fake refused it.
    bool inject(const nlohmann::json& fault);
    void clearFaults();
    // GET /__requests: every API request so far (method, path, authorised).
    [[nodiscard]] std::vector<nlohmann::json> requests();

private:
    CloudinaryFake() = default;
    std::string directory_;
    std::uint16_t port_ = 0;
    std::unique_ptr<net::NetworkThread> thread_;
    std::unique_ptr<net::HttpClient> control_;
    std::unique_ptr<hoststudio::testing::ChildProcess> child_;
};

// Every message logged while it exists (all categories, debug included), as formatted text.
class LogCapture {
public:
    LogCapture();
    ~LogCapture();
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    LogCapture(LogCapture&&) = delete;
    LogCapture& operator=(LogCapture&&) = delete;

    [[nodiscard]] std::vector<std::string> lines() const;

private:
    static void handler(QtMsgType type, const QMessageLogContext& context, const QString& message);
    QtMessageHandler previous_ = nullptr;
};

} // namespace hoststudio::cloud::testing
