// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// NetworkThread: the one thread of the studio that does network I/O. It runs one
// boost::asio::io_context (kept alive by a work guard) on one std::thread; every HTTP and
// WebSocket connection of HttpClient and WebSocketClient is a session on that io_context.
//
// Owner: whoever composes the network side (the session module, a CLI verb, a test) creates one
// NetworkThread and destroys it after every client that uses it.
//
// Thread safety: every public method may be called from any thread. stop() called on the network
// thread itself only requests the stop (it cannot join itself); the owner's later stop() or the
// destructor joins. The stop handlers are guarded by an internal mutex.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace hoststudio::net {

namespace detail {
struct NetworkThreadAccess;
} // namespace detail

class NetworkThread {
public:
    using StopHandlerId = std::uint64_t;

    // Starts the thread.
    NetworkThread();
    // stop().
    ~NetworkThread();
    NetworkThread(const NetworkThread&) = delete;
    NetworkThread& operator=(const NetworkThread&) = delete;
    NetworkThread(NetworkThread&&) = delete;
    NetworkThread& operator=(NetworkThread&&) = delete;

    // Runs `work` on the network thread. After stop() the work is dropped (never run).
    // An exception thrown by `work` is logged and swallowed: it never ends the thread.
    void post(std::function<void()> work);
    // Runs `work` on the network thread after `delay` (a steady_timer on its io_context). After
    // stop() it is dropped; stop() cancels what is still waiting. To cancel one earlier, let the
    // work check a guard of its own.
    void postAfter(std::chrono::milliseconds delay, std::function<void()> work);

    [[nodiscard]] bool isCurrentThread() const noexcept;
    [[nodiscard]] bool isRunning() const noexcept;

    // Cancels what is outstanding and joins the thread; idempotent. The clients' stop handlers run
    // first (each cancels its operations, whose callbacks then report `cancelled`); the thread then
    // gets `drainTimeout` to finish those callbacks before the io_context is stopped hard.
    void stop(std::chrono::milliseconds drainTimeout = std::chrono::milliseconds{2000});

    // Called on the network thread when stop() begins. The clients register one each.
    [[nodiscard]] StopHandlerId addStopHandler(std::function<void()> handler);
    void removeStopHandler(StopHandlerId id);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    friend struct detail::NetworkThreadAccess;
};

} // namespace hoststudio::net
