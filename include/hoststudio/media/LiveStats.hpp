// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What a live pipeline reports once a second, and the small rules that turn counters into verdicts
// (OBS's "encoding overloaded", the 4-second congestion average behind the health indicator).
//
// Thread safety: value types; the rule objects are owned by whoever samples the statistics.

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace hoststudio::media {

enum class OutputState : std::uint8_t {
    connecting,
    live,
    reconnecting, // waiting `reconnectIn` before attempt `reconnectAttempt`, or dialling it
    failed,
    stopped,
};
[[nodiscard]] const char* outputStateName(OutputState state) noexcept;

enum class NetworkHealth : std::uint8_t { excellent, good, mediocre, bad };
// OBS's thresholds on the averaged congestion: < 0.333 excellent, < 0.667 good, < 1 mediocre, else bad.
[[nodiscard]] NetworkHealth healthForCongestion(double averageCongestion) noexcept;
[[nodiscard]] const char* networkHealthName(NetworkHealth health) noexcept;

struct OutputStats {
    std::string target; // display URL (key masked)
    OutputState state = OutputState::connecting;
    double bitrateKbps = 0.0; // sent in the last sample interval
    std::uint64_t bytesSent = 0;
    std::uint64_t droppedFrames = 0; // network drops, since start
    std::size_t queuePackets = 0;
    std::chrono::milliseconds queueDuration{0};
    double congestion = 0.0;
    double congestionAverage = 0.0; // over the last 4 samples
    NetworkHealth health = NetworkHealth::excellent;
    int reconnectAttempt = 0;                 // current/last attempt of this drop, 0 when none
    std::chrono::milliseconds reconnectIn{0}; // until the next attempt, while reconnecting
    int reconnects = 0;                       // successful reconnects since start
    std::string lastError;
};

struct RecordingStats {
    bool active = false;
    std::string filePath;
    std::uint64_t bytesWritten = 0;
    double durationSeconds = 0.0; // media time written
    std::string lastError;
};

struct LiveStats {
    double elapsedSeconds = 0.0;
    double fps = 0.0; // frames encoded per second over the last interval
    std::uint64_t framesEncoded = 0;
    std::uint64_t framesSkipped = 0; // encoder lag: frames never rendered because the loop was late
    bool encoderOverloaded = false;
    double encodeMsPerFrame = 0.0; // wall time in the video encoder per frame, last interval
    double cpuPercent = 0.0;       // the whole process, percent of one core, last interval
    std::uint64_t residentKb = 0;
    std::vector<OutputStats> outputs;
    RecordingStats recording;
};

// OBS: overloaded when more than 10 frames were skipped in the last second and at least 0.1 % of
// all frames so far were skipped.
class OverloadRule {
public:
    [[nodiscard]] bool update(std::uint64_t totalFrames, std::uint64_t totalSkipped,
                              std::chrono::milliseconds interval);

private:
    std::uint64_t previousSkipped_ = 0;
};

// The mean of the samples of the last `window`, one sample per call.
class CongestionAverage {
public:
    explicit CongestionAverage(std::size_t samplesInWindow = 4) : window_(samplesInWindow) {}
    double add(double congestion);

private:
    std::size_t window_;
    std::deque<double> samples_;
};

// The process's CPU time (user + system) and resident memory, from the kernel.
struct ProcessUsage {
    std::chrono::microseconds cpuTime{0};
    std::uint64_t residentKb = 0;
    [[nodiscard]] static ProcessUsage now();
};

} // namespace hoststudio::media
