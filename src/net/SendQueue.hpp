// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Inside the net module only: the outgoing queue of a WebSocket session (Beast's chat-multi
// pattern: one write in flight, the rest waiting in order), with a cap on the queued bytes.
//
// Thread safety: every method may be called from any thread (one mutex). front() returns a
// reference that stays valid until pop(), because std::deque::push_back never moves elements.

#include "hoststudio/core/Result.hpp"

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>

namespace hoststudio::net::detail {

class SendQueue {
public:
    struct Item {
        std::string data;
        bool text = true;
    };

    explicit SendQueue(std::size_t maxQueuedBytes) : maxQueuedBytes_(maxQueuedBytes) {}

    // Queues the item. Ok(true): the caller must start the writer (nothing was in flight);
    // Ok(false): the writer in flight will get to it; sendQueueFull when over the cap (an item
    // larger than the whole cap is always refused).
    [[nodiscard]] core::Result<bool> push(Item item);
    // The item being written. Only the writer calls it, and only while the queue is not empty.
    [[nodiscard]] const Item& front() const;
    // Drops the written item; true when another one waits (the writer continues with it).
    [[nodiscard]] bool pop();
    // Forgets what waits (the session ended). The item in flight stays until pop(): the write
    // still reads its bytes until it completes (Beast masks them in pieces), so freeing it here
    // would be a use after free.
    void clear();

    [[nodiscard]] std::size_t queuedBytes() const;
    [[nodiscard]] std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::deque<Item> items_;      // guarded by mutex_
    std::size_t queuedBytes_ = 0; // guarded by mutex_
    bool writing_ = false;        // guarded by mutex_
    std::size_t maxQueuedBytes_;
};

} // namespace hoststudio::net::detail
