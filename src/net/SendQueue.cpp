// SPDX-License-Identifier: GPL-2.0-or-later
#include "SendQueue.hpp"

#include "hoststudio/net/NetError.hpp"

#include <iterator>
#include <utility>

namespace hoststudio::net::detail {

core::Result<bool> SendQueue::push(Item item)
{
    const std::lock_guard lock(mutex_);
    const std::size_t size = item.data.size();
    if (size > maxQueuedBytes_ || queuedBytes_ > maxQueuedBytes_ - size) {
        return core::Error{NetErrc::sendQueueFull, std::to_string(queuedBytes_) + " bytes already queued, " +
                                                       std::to_string(size) + " more would exceed the cap of " +
                                                       std::to_string(maxQueuedBytes_)};
    }
    queuedBytes_ += size;
    items_.push_back(std::move(item));
    const bool startWriter = !writing_;
    writing_ = true;
    return startWriter;
}

const SendQueue::Item& SendQueue::front() const
{
    const std::lock_guard lock(mutex_);
    return items_.front();
}

bool SendQueue::pop()
{
    const std::lock_guard lock(mutex_);
    if (!items_.empty()) {
        queuedBytes_ -= items_.front().data.size();
        items_.pop_front();
    }
    writing_ = !items_.empty();
    return writing_;
}

void SendQueue::clear()
{
    const std::lock_guard lock(mutex_);
    if (writing_ && !items_.empty()) {
        // The writer's buffer: Beast may still read it until the write completes.
        items_.erase(std::next(items_.begin()), items_.end());
        queuedBytes_ = items_.front().data.size();
        return;
    }
    items_.clear();
    queuedBytes_ = 0;
    writing_ = false;
}

std::size_t SendQueue::queuedBytes() const
{
    const std::lock_guard lock(mutex_);
    return queuedBytes_;
}

std::size_t SendQueue::size() const
{
    const std::lock_guard lock(mutex_);
    return items_.size();
}

} // namespace hoststudio::net::detail
