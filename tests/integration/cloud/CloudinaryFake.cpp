// SPDX-License-Identifier: GPL-2.0-or-later
#include "CloudinaryFake.hpp"

#include "Scratch.hpp"

#include "hoststudio/core/Log.hpp"

#include <QLoggingCategory>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>

namespace hoststudio::cloud::testing {

using namespace std::chrono_literals;

std::unique_ptr<CloudinaryFake> CloudinaryFake::start(std::string& why, const std::vector<std::string>& extraArguments)
{
    std::unique_ptr<CloudinaryFake> fake(new CloudinaryFake());
    fake->directory_ = hoststudio::testing::scratchDirectory("cloud");
    if (fake->directory_.empty()) {
        why = "mkdtemp failed";
        return nullptr;
    }
    std::vector<std::string> argv{HOSTSTUDIO_NODE_EXECUTABLE,
                                  HOSTSTUDIO_CLOUDINARY_FAKE_SCRIPT,
                                  "--host",
                                  "127.0.0.1",
                                  "--port",
                                  "0",
                                  "--cloud",
                                  kCloud,
                                  "--api-key",
                                  kApiKey,
                                  "--api-secret",
                                  kApiSecret};
    argv.insert(argv.end(), extraArguments.begin(), extraArguments.end());
    fake->child_ = hoststudio::testing::ChildProcess::start(argv, fake->directory_ + "/out.log", why);
    if (!fake->child_) {
        return nullptr;
    }
    const auto port = fake->child_->waitForOutput(std::regex("listening on http://127\\.0\\.0\\.1:([0-9]+)"), 20s);
    if (!port) {
        why = "no 'listening on' line from the fake";
        return nullptr;
    }
    fake->port_ = static_cast<std::uint16_t>(std::stoi(*port));
    fake->thread_ = std::make_unique<net::NetworkThread>();
    auto control = net::HttpClient::create(*fake->thread_, net::HttpClientSettings::defaults());
    if (!control) {
        why = control.error().describe();
        return nullptr;
    }
    fake->control_ = std::move(control.value());
    return fake;
}

CloudinaryFake::~CloudinaryFake()
{
    control_.reset();
    thread_.reset();
    child_.reset(); // stopped by pid before its files go
    std::error_code ignored;
    if (!directory_.empty()) {
        std::filesystem::remove_all(directory_, ignored);
    }
}

bool CloudinaryFake::inject(const nlohmann::json& fault)
{
    auto request = net::HttpRequest::make(net::HttpMethod::post, baseUrl() + "/__faults");
    request.withJsonBody(fault).withTimeout(5s);
    auto response = control_->requestBlocking(std::move(request));
    return response && response->status == 200;
}

void CloudinaryFake::clearFaults()
{
    auto request = net::HttpRequest::make(net::HttpMethod::delete_, baseUrl() + "/__faults");
    (void)control_->requestBlocking(std::move(request.withTimeout(5s)));
}

std::vector<nlohmann::json> CloudinaryFake::requests()
{
    auto request = net::HttpRequest::make(net::HttpMethod::get, baseUrl() + "/__requests");
    auto response = control_->requestBlocking(std::move(request.withTimeout(5s)));
    std::vector<nlohmann::json> list;
    if (response && response->status == 200) {
        auto parsed = response->json();
        if (parsed && parsed->is_array()) {
            for (const auto& entry : *parsed) {
                list.push_back(entry);
            }
        }
    }
    return list;
}

namespace {
std::mutex captureMutex;
std::vector<std::string>* capturedLines = nullptr;
} // namespace

LogCapture::LogCapture()
{
    std::lock_guard lock(captureMutex);
    capturedLines = new std::vector<std::string>(); // NOLINT(cppcoreguidelines-owning-memory)
    QLoggingCategory::setFilterRules(QStringLiteral("hoststudio.*=true"));
    previous_ = qInstallMessageHandler(&LogCapture::handler);
}

LogCapture::~LogCapture()
{
    qInstallMessageHandler(previous_);
    std::lock_guard lock(captureMutex);
    delete capturedLines; // NOLINT(cppcoreguidelines-owning-memory)
    capturedLines = nullptr;
}

std::vector<std::string> LogCapture::lines() const
{
    std::lock_guard lock(captureMutex);
    return capturedLines != nullptr ? *capturedLines : std::vector<std::string>{};
}

void LogCapture::handler(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    // The line as the studio's sink would write it, but before scrubbing: nothing may rely on the
    // scrubber to hide the API secret.
    const QString line =
        QStringLiteral("%1 %2: %3")
            .arg(static_cast<int>(type))
            .arg(QString::fromUtf8(context.category != nullptr ? context.category : "default"), message);
    std::lock_guard lock(captureMutex);
    if (capturedLines != nullptr) {
        capturedLines->push_back(line.toStdString());
    }
}

} // namespace hoststudio::cloud::testing
