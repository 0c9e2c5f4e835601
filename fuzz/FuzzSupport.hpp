// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What every fuzz target shares: a broken property ends the run as a crash, with its description,
// so libFuzzer keeps the input.

#include <cstdio>
#include <cstdlib>

namespace hoststudio::fuzz {

[[noreturn]] inline void failProperty(const char* what)
{
    std::fputs(what, stderr);
    std::fputc('\n', stderr);
    std::abort();
}

} // namespace hoststudio::fuzz
