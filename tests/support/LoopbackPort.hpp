// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A loopback TCP port nothing listens on, for the tests that need an address that refuses.

#include <cstdint>

namespace hoststudio::testing {

// A port on 127.0.0.1 the system handed out and that was released again (bound, then closed):
// a connection to it is refused unless something else takes it meanwhile. 0 when none was given.
[[nodiscard]] std::uint16_t unusedLoopbackPort();

} // namespace hoststudio::testing
