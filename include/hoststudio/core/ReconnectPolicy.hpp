// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// When to try again after a connection failed: OBS's auto-reconnect rules, as one object that
// every connection (RTMP output, relays, the real-time channel) owns a copy of.
//
// - Only a drop in the middle of a session is retried; a failed first connect (bad URL, bad key,
//   refused) is reported at once and never retried.
// - First retry after `initialDelay` (2 s); each later wait is the previous one times a factor
//   drawn once per policy from [minMultiplier, maxMultiplier] (1.45–1.55, against thundering
//   herds), capped at `maxDelay` (15 min); at most `maxRetries` (25) retries in a row.
// - A successful (re)connect starts the schedule again; cancel() stops it for good, at once.
//
// The policy only decides; the owner runs the timer. Owner: the connection object that uses it;
// not thread-safe (call it from the owner's thread or strand).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace hoststudio::core {

struct ReconnectConfig {
    bool enabled = true;
    std::chrono::milliseconds initialDelay{2000};
    double minMultiplier = 1.45;
    double maxMultiplier = 1.55;
    std::chrono::milliseconds maxDelay{std::chrono::minutes(15)};
    int maxRetries = 25;

    // OBS's defaults, listed above.
    [[nodiscard]] static ReconnectConfig defaults() { return {}; }
    // Empty when valid, else what is wrong ("maxRetries must be ≥ 0").
    [[nodiscard]] std::string validationError() const;
};

enum class FailurePhase {
    firstConnect, // never connected in this session: report, do not retry
    midSession,   // was connected, then dropped: retry on schedule
};

enum class RetryVerdict {
    retry,      // wait `delay`, then try again
    doNotRetry, // a first-connect failure, or reconnecting is switched off
    retriesExhausted,
    cancelled,
};

struct RetryDecision {
    RetryVerdict verdict = RetryVerdict::doNotRetry;
    std::chrono::milliseconds delay{0};
    int attempt = 0; // 1 for the first retry
    int maxRetries = 0;
};

class ReconnectPolicy {
public:
    // `jitterSeed` picks the multiplier; give a fixed one in tests, a random one otherwise.
    explicit ReconnectPolicy(ReconnectConfig config = ReconnectConfig::defaults(),
                             std::optional<std::uint64_t> jitterSeed = std::nullopt);

    // Called when a connection failed; says whether and when to try again.
    [[nodiscard]] RetryDecision onFailure(FailurePhase phase);
    // Called when a (re)connect succeeded: the next drop starts from `initialDelay` again.
    void onConnected() noexcept;
    // Stops the schedule at once; every later onFailure() answers `cancelled`.
    void cancel() noexcept;

    [[nodiscard]] bool isCancelled() const noexcept { return cancelled_; }
    [[nodiscard]] int attemptsSoFar() const noexcept { return attempts_; }
    [[nodiscard]] double multiplier() const noexcept { return multiplier_; }
    [[nodiscard]] const ReconnectConfig& config() const noexcept { return config_; }

private:
    ReconnectConfig config_;
    double multiplier_ = 1.5;
    int attempts_ = 0;
    std::chrono::milliseconds lastDelay_{0};
    bool cancelled_ = false;
};

} // namespace hoststudio::core
