// SPDX-License-Identifier: GPL-2.0-or-later
#include "NetPeer.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>
#include <vector>

namespace hoststudio::net::testing {

namespace {

std::string shellQuoted(const std::string& text)
{
    std::string quoted = "'";
    for (char character : text) {
        quoted += character == '\'' ? std::string("'\\''") : std::string(1, character);
    }
    return quoted + "'";
}

} // namespace

std::unique_ptr<NetPeer> NetPeer::start(std::string& why)
{
    std::unique_ptr<NetPeer> peer(new NetPeer());
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/hoststudio-net-XXXXXX";
    std::filesystem::create_directories(std::filesystem::path(pattern).parent_path());
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) {
        why = "mkdtemp failed for " + pattern;
        return nullptr;
    }
    peer->directory_ = buffer.data();

    const std::string makeCertificates = shellQuoted(HOSTSTUDIO_BASH_EXECUTABLE) + " " +
                                         shellQuoted(HOSTSTUDIO_NET_CERT_SCRIPT) + " " + shellQuoted(peer->directory_);
    if (std::system(makeCertificates.c_str()) != 0) {
        why = "make-test-certs.sh failed";
        return nullptr;
    }

    peer->child_ = hoststudio::testing::ChildProcess::start(
        {HOSTSTUDIO_NODE_EXECUTABLE, HOSTSTUDIO_NET_PEER_SCRIPT, "--certs", peer->directory_, "--exit-with-stdin"},
        peer->directory_ + "/peer.out", why);
    if (!peer->child_) {
        return nullptr;
    }
    // Its first line is a JSON object with the ports.
    const std::optional<std::string> line =
        peer->child_->waitForOutput(std::regex("^(\\{[^\\n]*\\})\\n"), std::chrono::seconds{20});
    if (!line) {
        why = "the peer printed no ports";
        return nullptr;
    }
    const nlohmann::json ports = nlohmann::json::parse(*line, nullptr, false);
    if (ports.is_discarded() || !ports.is_object()) {
        why = "the peer printed '" + *line + "'";
        return nullptr;
    }
    peer->httpPort = ports.value("http", std::uint16_t{0});
    peer->httpsPort = ports.value("https", std::uint16_t{0});
    peer->selfSignedPort = ports.value("selfSigned", std::uint16_t{0});
    peer->wrongHostPort = ports.value("wrongHost", std::uint16_t{0});
    return peer;
}

NetPeer::~NetPeer()
{
    child_.reset(); // stopped before its files go
    if (!directory_.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(directory_, ignored);
    }
}

} // namespace hoststudio::net::testing
