// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/core/ReconnectPolicy.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace hoststudio::core {

std::string ReconnectConfig::validationError() const
{
    if (initialDelay.count() <= 0) {
        return "initialDelay must be positive";
    }
    if (maxDelay < initialDelay) {
        return "maxDelay must not be shorter than initialDelay";
    }
    if (!(minMultiplier >= 1.0) || !(maxMultiplier >= minMultiplier) || !std::isfinite(maxMultiplier)) {
        return "multipliers must satisfy 1 <= minMultiplier <= maxMultiplier";
    }
    if (maxRetries < 0) {
        return "maxRetries must be >= 0";
    }
    return {};
}

ReconnectPolicy::ReconnectPolicy(ReconnectConfig config, std::optional<std::uint64_t> jitterSeed) : config_(config)
{
    const std::uint64_t seed = jitterSeed ? *jitterSeed : std::random_device{}();
    std::mt19937_64 generator(seed);
    std::uniform_real_distribution<double> spread(config_.minMultiplier, config_.maxMultiplier);
    multiplier_ = config_.minMultiplier == config_.maxMultiplier ? config_.minMultiplier : spread(generator);
}

RetryDecision ReconnectPolicy::onFailure(FailurePhase phase)
{
    RetryDecision decision;
    decision.maxRetries = config_.maxRetries;
    decision.attempt = attempts_;
    if (cancelled_) {
        decision.verdict = RetryVerdict::cancelled;
        return decision;
    }
    if (phase == FailurePhase::firstConnect || !config_.enabled) {
        decision.verdict = RetryVerdict::doNotRetry;
        return decision;
    }
    if (attempts_ >= config_.maxRetries) {
        decision.verdict = RetryVerdict::retriesExhausted;
        return decision;
    }
    std::chrono::milliseconds delay = config_.initialDelay;
    if (attempts_ > 0) {
        const double next = std::ceil(static_cast<double>(lastDelay_.count()) * multiplier_);
        const double capped = std::min(next, static_cast<double>(config_.maxDelay.count()));
        delay = std::chrono::milliseconds(static_cast<std::int64_t>(capped));
    }
    delay = std::min(delay, config_.maxDelay);
    ++attempts_;
    lastDelay_ = delay;
    decision.verdict = RetryVerdict::retry;
    decision.delay = delay;
    decision.attempt = attempts_;
    return decision;
}

void ReconnectPolicy::onConnected() noexcept
{
    attempts_ = 0;
    lastDelay_ = std::chrono::milliseconds{0};
}

void ReconnectPolicy::cancel() noexcept
{
    cancelled_ = true;
}

} // namespace hoststudio::core
