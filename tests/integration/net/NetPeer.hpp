// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The net integration tests' peer: fresh certificates (make-test-certs.sh) and one
// tests/peers/net-peer.mjs process serving http, https (CA-signed), https (self-signed) and https
// (CA-signed for another host name) on free 127.0.0.1 ports. Stopped by pid when destroyed; the
// peer also exits when the test process dies (it holds our end of its stdin).
//
// Owner: one test; not thread-safe.

#include "ChildProcess.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace hoststudio::net::testing {

class NetPeer {
public:
    // nullptr and `why` set when the certificates or the peer could not be started.
    [[nodiscard]] static std::unique_ptr<NetPeer> start(std::string& why);
    ~NetPeer();
    NetPeer(const NetPeer&) = delete;
    NetPeer& operator=(const NetPeer&) = delete;
    NetPeer(NetPeer&&) = delete;
    NetPeer& operator=(NetPeer&&) = delete;

    [[nodiscard]] std::string caFile() const { return directory_ + "/ca.pem"; }
    [[nodiscard]] std::string url(const std::string& scheme, std::uint16_t port, const std::string& path) const
    {
        return scheme + "://127.0.0.1:" + std::to_string(port) + path;
    }

    std::uint16_t httpPort = 0;
    std::uint16_t httpsPort = 0;
    std::uint16_t selfSignedPort = 0;
    std::uint16_t wrongHostPort = 0;

private:
    NetPeer() = default;
    std::string directory_;
    std::unique_ptr<hoststudio::testing::ChildProcess> child_;
};

} // namespace hoststudio::net::testing
