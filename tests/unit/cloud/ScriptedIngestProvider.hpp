// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A test double of IngestProvider: prepare() and status() answer from a script, either at once or
// (holdAnswers) when the test calls answerNext(); every call is counted.

#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/cloud/IngestProvider.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace hoststudio::cloud::testing {

class ScriptedIngestProvider final : public IngestProvider {
public:
    explicit ScriptedIngestProvider(std::string providerName, bool holdAnswers = false)
        : name_(std::move(providerName)), hold_(holdAnswers)
    {}

    [[nodiscard]] std::string name() const override { return name_; }

    void prepare(const IngestRequest& request, EndpointCallback done) override
    {
        core::Result<IngestEndpoint> answer = core::Error{CloudErrc::notConfigured, name_ + " has no script"};
        {
            std::lock_guard lock(mutex_);
            ++prepares;
            lastRequest = request;
            if (!prepareScript.empty()) {
                answer = std::move(prepareScript.front());
                prepareScript.pop_front();
            }
        }
        done(std::move(answer));
    }

    void start(const IngestEndpoint& endpoint, DoneCallback done) override
    {
        {
            std::lock_guard lock(mutex_);
            started.push_back(endpoint.streamId);
        }
        done(core::Status{});
    }

    void stop(const IngestEndpoint& endpoint, DoneCallback done) override
    {
        {
            std::lock_guard lock(mutex_);
            stopped.push_back(endpoint.streamId);
        }
        done(core::Status{});
    }

    void status(const IngestEndpoint&, StatusCallback done) override
    {
        std::unique_lock lock(mutex_);
        ++statusCalls;
        if (hold_) {
            held_.push_back(std::move(done));
            changed_.notify_all();
            return;
        }
        core::Result<IngestStatus> answer = nextStatus();
        lock.unlock();
        done(std::move(answer));
        changed_.notify_all();
    }

    void cancel() override { ++cancels; }

    // holdAnswers: waits for a held status() call and answers it from the script on this thread.
    bool answerNext()
    {
        std::unique_lock lock(mutex_);
        if (!changed_.wait_for(lock, std::chrono::seconds(10), [this] { return !held_.empty(); })) {
            return false;
        }
        StatusCallback done = std::move(held_.front());
        held_.pop_front();
        core::Result<IngestStatus> answer = nextStatus();
        lock.unlock();
        done(std::move(answer));
        return true;
    }

    // Waits until status() was called at least `count` times.
    bool waitForStatusCalls(int count)
    {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return statusCalls >= count; });
    }

    int statusCallCount()
    {
        std::lock_guard lock(mutex_);
        return statusCalls;
    }

    std::deque<core::Result<IngestEndpoint>> prepareScript;
    std::deque<core::Result<IngestStatus>> statusScript; // the last one repeats
    int prepares = 0;
    int statusCalls = 0;
    int cancels = 0;
    IngestRequest lastRequest;
    std::vector<std::string> started;
    std::vector<std::string> stopped;

private:
    core::Result<IngestStatus> nextStatus()
    {
        if (statusScript.empty()) {
            return core::Error{CloudErrc::notConfigured, "no status script"};
        }
        core::Result<IngestStatus> answer = statusScript.front();
        if (statusScript.size() > 1) {
            statusScript.pop_front();
        }
        return answer;
    }

    std::string name_;
    bool hold_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<StatusCallback> held_;
};

inline IngestEndpoint endpointFor(const std::string& provider, const std::string& streamId)
{
    IngestEndpoint endpoint;
    endpoint.provider = provider;
    endpoint.streamId = streamId;
    endpoint.ingestUrl = "rtmp://" + provider + ".example/live";
    endpoint.streamKey = "key-of-" + streamId;
    return endpoint;
}

} // namespace hoststudio::cloud::testing
