// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/LiveStats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <numeric>

namespace hoststudio::media {

const char* outputStateName(OutputState state) noexcept
{
    switch (state) {
    case OutputState::connecting: return "connecting";
    case OutputState::live: return "live";
    case OutputState::reconnecting: return "reconnecting";
    case OutputState::failed: return "failed";
    case OutputState::stopped: return "stopped";
    }
    return "unknown";
}

NetworkHealth healthForCongestion(double averageCongestion) noexcept
{
    if (averageCongestion < 1.0 / 3.0) {
        return NetworkHealth::excellent;
    }
    if (averageCongestion < 2.0 / 3.0) {
        return NetworkHealth::good;
    }
    if (averageCongestion < 1.0) {
        return NetworkHealth::mediocre;
    }
    return NetworkHealth::bad;
}

const char* networkHealthName(NetworkHealth health) noexcept
{
    switch (health) {
    case NetworkHealth::excellent: return "excellent";
    case NetworkHealth::good: return "good";
    case NetworkHealth::mediocre: return "mediocre";
    case NetworkHealth::bad: return "bad";
    }
    return "unknown";
}

bool OverloadRule::update(std::uint64_t totalFrames, std::uint64_t totalSkipped, std::chrono::milliseconds interval)
{
    const std::uint64_t skippedNow = totalSkipped - previousSkipped_;
    previousSkipped_ = totalSkipped;
    if (totalFrames == 0 || interval.count() <= 0) {
        return false;
    }
    // "More than 10 in the last second": scale the interval's count to one second.
    const double perSecond = static_cast<double>(skippedNow) * 1000.0 / static_cast<double>(interval.count());
    const double share = static_cast<double>(totalSkipped) / static_cast<double>(totalFrames);
    return perSecond > 10.0 && share >= 0.001;
}

double CongestionAverage::add(double congestion)
{
    samples_.push_back(congestion);
    while (samples_.size() > window_) {
        samples_.pop_front();
    }
    return std::accumulate(samples_.begin(), samples_.end(), 0.0) / static_cast<double>(samples_.size());
}

ProcessUsage ProcessUsage::now()
{
    ProcessUsage usage;
    rusage self{};
    if (getrusage(RUSAGE_SELF, &self) == 0) {
        const auto toMicroseconds = [](const timeval& value) {
            return std::chrono::seconds(value.tv_sec) + std::chrono::microseconds(value.tv_usec);
        };
        usage.cpuTime = toMicroseconds(self.ru_utime) + toMicroseconds(self.ru_stime);
    }
    std::ifstream statm("/proc/self/statm");
    std::uint64_t totalPages = 0;
    std::uint64_t residentPages = 0;
    if (statm >> totalPages >> residentPages) {
        const long pageSize = sysconf(_SC_PAGESIZE);
        usage.residentKb = residentPages * static_cast<std::uint64_t>(pageSize > 0 ? pageSize : 4096) / 1024U;
    }
    return usage;
}

} // namespace hoststudio::media
