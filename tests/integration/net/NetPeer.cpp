// SPDX-License-Identifier: GPL-2.0-or-later
#include "NetPeer.hpp"

#include <nlohmann/json.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>
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

// One line from `fd`, waiting at most `timeout`.
bool readLine(int fd, std::string& line, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return false;
        }
        pollfd descriptor{fd, POLLIN, 0};
        if (::poll(&descriptor, 1, static_cast<int>(left.count())) <= 0) {
            continue;
        }
        char character = 0;
        const ssize_t got = ::read(fd, &character, 1);
        if (got <= 0) {
            return false;
        }
        if (character == '\n') {
            return true;
        }
        line.push_back(character);
    }
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

    int output[2] = {-1, -1};
    int input[2] = {-1, -1};
    if (::pipe(output) != 0 || ::pipe(input) != 0) {
        why = "pipe failed";
        return nullptr;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        why = "fork failed";
        return nullptr;
    }
    if (pid == 0) {
        ::dup2(output[1], STDOUT_FILENO);
        ::dup2(input[0], STDIN_FILENO);
        ::close(output[0]);
        ::close(output[1]);
        ::close(input[0]);
        ::close(input[1]);
        ::execlp(HOSTSTUDIO_NODE_EXECUTABLE, HOSTSTUDIO_NODE_EXECUTABLE, HOSTSTUDIO_NET_PEER_SCRIPT, "--certs",
                 peer->directory_.c_str(), "--exit-with-stdin", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    peer->pid_ = pid;
    ::close(output[1]);
    ::close(input[0]);
    peer->stdinWrite_ = input[1];

    std::string line;
    const bool gotLine = readLine(output[0], line, std::chrono::seconds{20});
    ::close(output[0]);
    if (!gotLine) {
        why = "the peer printed no ports";
        return nullptr;
    }
    const nlohmann::json ports = nlohmann::json::parse(line, nullptr, false);
    if (ports.is_discarded() || !ports.is_object()) {
        why = "the peer printed '" + line + "'";
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
    if (stdinWrite_ >= 0) {
        ::close(stdinWrite_);
    }
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        int status = 0;
        bool reaped = false;
        for (int attempt = 0; attempt < 40 && !reaped; ++attempt) {
            reaped = ::waitpid(pid_, &status, WNOHANG) == pid_;
            if (!reaped) {
                std::this_thread::sleep_for(std::chrono::milliseconds{50});
            }
        }
        if (!reaped) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
        }
    }
    if (!directory_.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(directory_, ignored);
    }
}

} // namespace hoststudio::net::testing
