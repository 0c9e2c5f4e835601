// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Inside the net module only: the io_context behind a NetworkThread.

#include "hoststudio/net/NetworkThread.hpp"

#include <boost/asio/io_context.hpp>

namespace hoststudio::net::detail {

struct NetworkThreadAccess {
    [[nodiscard]] static boost::asio::io_context& ioContext(NetworkThread& thread);
};

} // namespace hoststudio::net::detail
