// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A peer process a test starts and must stop, whatever happens: its stdout goes to a file, its
// stdin is a pipe this object holds (a peer may exit when it closes), and it receives SIGTERM if
// the test process dies. Destroying the object closes stdin, sends SIGTERM, waits up to 3 s and
// then sends SIGKILL.
//
// Owner: one test; not thread-safe.

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace hoststudio::testing {

class ChildProcess {
public:
    // Runs argv[0] (looked up in PATH) with the arguments; nullptr and `why` set on failure.
    [[nodiscard]] static std::unique_ptr<ChildProcess> start(const std::vector<std::string>& argv,
                                                             const std::string& stdoutFile, std::string& why);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ChildProcess(ChildProcess&&) = delete;
    ChildProcess& operator=(ChildProcess&&) = delete;

    // Waits until the stdout file matches `pattern`; returns the first capture group (or the whole
    // match when the pattern has none), nothing at the timeout or when the process exited.
    [[nodiscard]] std::optional<std::string> waitForOutput(const std::regex& pattern,
                                                           std::chrono::milliseconds timeout) const;
    [[nodiscard]] pid_t pid() const noexcept { return pid_; }

private:
    ChildProcess() = default;

    pid_t pid_ = -1;
    int stdinWrite_ = -1;
    std::string stdoutFile_;
};

} // namespace hoststudio::testing
