// SPDX-License-Identifier: GPL-2.0-or-later
#include "ChildProcess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace hoststudio::testing {

std::unique_ptr<ChildProcess> ChildProcess::start(const std::vector<std::string>& argv, const std::string& stdoutFile,
                                                  std::string& why)
{
    if (argv.empty()) {
        why = "no program to start";
        return nullptr;
    }
    std::unique_ptr<ChildProcess> process(new ChildProcess());
    process->stdoutFile_ = stdoutFile;
    int input[2] = {-1, -1};
    if (::pipe(input) != 0) {
        why = "pipe failed";
        return nullptr;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(input[0]);
        ::close(input[1]);
        why = "fork failed";
        return nullptr;
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM); // a killed test leaves no peer behind
        const int output = ::open(stdoutFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (output < 0) {
            ::_exit(126);
        }
        ::dup2(output, STDOUT_FILENO);
        ::dup2(input[0], STDIN_FILENO);
        ::close(output);
        ::close(input[0]);
        ::close(input[1]);
        std::vector<std::string> arguments = argv;
        std::vector<char*> pointers;
        pointers.reserve(arguments.size() + 1);
        for (std::string& argument : arguments) {
            pointers.push_back(argument.data());
        }
        pointers.push_back(nullptr);
        ::execvp(pointers[0], pointers.data());
        ::_exit(127);
    }
    process->pid_ = pid;
    ::close(input[0]);
    process->stdinWrite_ = input[1];
    return process;
}

std::optional<std::string> ChildProcess::waitForOutput(const std::regex& pattern,
                                                       std::chrono::milliseconds timeout) const
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        std::ifstream file(stdoutFile_);
        std::stringstream text;
        text << file.rdbuf();
        const std::string content = text.str();
        std::smatch match;
        if (std::regex_search(content, match, pattern)) {
            return match.size() > 1 ? match[1].str() : match[0].str();
        }
        int status = 0;
        if (std::chrono::steady_clock::now() >= deadline || ::waitpid(pid_, &status, WNOHANG) == pid_) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
}

ChildProcess::~ChildProcess()
{
    if (stdinWrite_ >= 0) {
        ::close(stdinWrite_);
    }
    if (pid_ <= 0) {
        return;
    }
    ::kill(pid_, SIGTERM);
    int status = 0;
    bool reaped = false;
    for (int attempt = 0; attempt < 60 && !reaped; ++attempt) {
        const pid_t result = ::waitpid(pid_, &status, WNOHANG);
        reaped = result == pid_ || result < 0;
        if (!reaped) {
            std::this_thread::sleep_for(std::chrono::milliseconds{50});
        }
    }
    if (!reaped) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
    }
}

} // namespace hoststudio::testing
