// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/net/NetworkThread.hpp"

#include "NetworkThreadAccess.hpp"
#include "hoststudio/net/NetError.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

namespace hoststudio::net {

struct NetworkThread::Impl {
    boost::asio::io_context ioContext{1};
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> workGuard;
    std::thread thread;
    std::atomic<std::thread::id> threadId{};
    std::atomic<bool> stopping{false};

    std::mutex stopMutex; // guards the fields below
    std::map<StopHandlerId, std::function<void()>> stopHandlers;
    StopHandlerId nextStopHandlerId = 1;
    bool runReturned = false;
    std::condition_variable runReturnedChanged;
    std::mutex joinMutex;                                        // held by the stop() that joins
    std::set<std::shared_ptr<boost::asio::steady_timer>> timers; // postAfter's; network thread only

    void run()
    {
        threadId.store(std::this_thread::get_id());
        for (;;) {
            try {
                ioContext.run();
                break;
            } catch (const std::exception& exception) {
                qCCritical(lcNet) << "a network handler threw (ignored):" << exception.what();
            } catch (...) {
                qCCritical(lcNet) << "a network handler threw a non-exception (ignored)";
            }
        }
        const std::lock_guard lock(stopMutex);
        runReturned = true;
        runReturnedChanged.notify_all();
    }

    void runStopHandlers()
    {
        std::vector<std::function<void()>> handlers;
        {
            const std::lock_guard lock(stopMutex);
            for (auto& [id, handler] : stopHandlers) {
                handlers.push_back(handler);
            }
        }
        for (auto& handler : handlers) {
            try {
                handler();
            } catch (const std::exception& exception) {
                qCCritical(lcNet) << "a stop handler threw (ignored):" << exception.what();
            }
        }
    }
};

NetworkThread::NetworkThread() : impl_(std::make_unique<Impl>())
{
    impl_->workGuard.emplace(impl_->ioContext.get_executor());
    impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

NetworkThread::~NetworkThread()
{
    stop();
}

void NetworkThread::post(std::function<void()> work)
{
    boost::asio::post(impl_->ioContext, std::move(work));
}

void NetworkThread::postAfter(std::chrono::milliseconds delay, std::function<void()> work)
{
    boost::asio::post(impl_->ioContext, [impl = impl_.get(), delay, work = std::move(work)]() mutable {
        if (impl->stopping.load()) {
            return;
        }
        auto timer = std::make_shared<boost::asio::steady_timer>(impl->ioContext, delay);
        impl->timers.insert(timer);
        timer->async_wait([impl, timer, work = std::move(work)](const boost::system::error_code& error) {
            impl->timers.erase(timer);
            if (!error && !impl->stopping.load()) {
                work();
            }
        });
    });
}

bool NetworkThread::isCurrentThread() const noexcept
{
    return impl_->threadId.load() == std::this_thread::get_id();
}

bool NetworkThread::isRunning() const noexcept
{
    return !impl_->stopping.load();
}

void NetworkThread::stop(std::chrono::milliseconds drainTimeout)
{
    Impl& impl = *impl_;
    if (!impl.stopping.exchange(true)) {
        // Cancel what the clients have outstanding, then let the loop run dry.
        boost::asio::post(impl.ioContext, [&impl] {
            impl.runStopHandlers();
            for (const auto& timer : impl.timers) {
                timer->cancel();
            }
            impl.workGuard.reset();
        });
    }
    if (isCurrentThread()) {
        return; // cannot join ourselves; the owner's stop() or destructor does
    }
    const std::lock_guard joinLock(impl.joinMutex);
    if (!impl.thread.joinable()) {
        return;
    }
    {
        std::unique_lock lock(impl.stopMutex);
        if (!impl.runReturnedChanged.wait_for(lock, drainTimeout, [&impl] { return impl.runReturned; })) {
            qCWarning(lcNet) << "network operations still running" << drainTimeout.count()
                             << "ms after stop(): stopping the network thread hard";
            impl.ioContext.stop();
        }
    }
    impl.thread.join();
}

NetworkThread::StopHandlerId NetworkThread::addStopHandler(std::function<void()> handler)
{
    const std::lock_guard lock(impl_->stopMutex);
    const StopHandlerId id = impl_->nextStopHandlerId++;
    impl_->stopHandlers.emplace(id, std::move(handler));
    return id;
}

void NetworkThread::removeStopHandler(StopHandlerId id)
{
    const std::lock_guard lock(impl_->stopMutex);
    impl_->stopHandlers.erase(id);
}

boost::asio::io_context& detail::NetworkThreadAccess::ioContext(NetworkThread& thread)
{
    return thread.impl_->ioContext;
}

} // namespace hoststudio::net
