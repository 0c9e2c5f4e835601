// SPDX-License-Identifier: GPL-2.0-or-later
#include "LoopbackPort.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hoststudio::testing {

std::uint16_t unusedLoopbackPort()
{
    const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
    if (probe < 0) {
        return 0;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    std::uint16_t port = 0;
    if (::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 && // NOLINT
        ::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length) == 0) {  // NOLINT
        port = ntohs(address.sin_port);
    }
    ::close(probe);
    return port;
}

} // namespace hoststudio::testing
