// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Scratch files of the integration tests: a fresh private directory under $TMPDIR (the build
// tree's tests/integration/tmp under ctest), and a whole file read as text.
//
// Thread safety: call scratchDirectory() before the test starts threads (it reads the environment).

#include <string>
#include <string_view>

namespace hoststudio::testing {

// $TMPDIR/hoststudio-<prefix>-XXXXXX (mode 0700), created; empty when it cannot be made.
[[nodiscard]] std::string scratchDirectory(std::string_view prefix);
// The file's contents; empty when it cannot be read.
[[nodiscard]] std::string readTextFile(const std::string& path);

} // namespace hoststudio::testing
