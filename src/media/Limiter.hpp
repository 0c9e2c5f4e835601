// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The look-ahead brick-wall limiter on the stereo mix (48 kHz): the true peak of what it sends stays
// at or below -1 dBFS, where hard clipping used to square off the loudest moments. Internal to the
// media module.
//
// True peak as ITU-R BS.1770-4 measures it: the signal 4x oversampled by a polyphase interpolator
// (a Kaiser-windowed sinc, 48 taps per phase), the largest magnitude of either channel. Between two
// oversampled points the peak is refined with a parabola through the neighbours, so that the limiter
// also holds the ceiling for a meter that oversamples more finely (plain 4x oversampling under-reads
// a single crest at 15 kHz by up to 0.26 dB).
//
// The gain that brings each detected peak down to the ceiling is held for a short window (a sliding
// minimum) and averaged over the attack time, so the gain ramps down smoothly and is already at the
// needed value, with a few samples of margin either side, when the peak leaves the delay line. The
// release is exponential (100 ms time constant) so speech does not pump. One gain for both channels:
// the stereo image does not shift. The gain never exceeds 1: a signal below the ceiling passes
// bit-exact, only delayed.
//
// Latency: the output is the input delayed by kLookAheadSamples (1.5 ms), always, so the mix stays
// in step with the pictures to well within a frame.
//
// Chunking: all state is per sample, so the output does not depend on how the stream is cut into
// process() calls. No allocation after construction: process() runs on the encoder thread.

#include <array>
#include <atomic>
#include <cstdint>

namespace hoststudio::media::detail {

class Limiter {
public:
    static constexpr int kSampleRate = 48000;
    // -1 dBFS, as a float so that a gain computed against it never rounds a sample above it.
    static constexpr float kCeiling = 0.891251F;
    static constexpr int kOversampling = 4;
    static constexpr int kTapsPerPhase = 48;
    static constexpr int kLookAheadSamples = 72; // 1.5 ms
    static constexpr double kReleaseSeconds = 0.1;

    Limiter() noexcept;
    Limiter(const Limiter&) = delete;
    Limiter& operator=(const Limiter&) = delete;

    // Limits `count` samples in place; the output is the input of kLookAheadSamples earlier.
    void process(float* left, float* right, int count) noexcept;

    // How often a sample was still above the ceiling after the gain (or not a number) and was
    // clamped: a safety net that should not be needed. Any thread.
    [[nodiscard]] std::int64_t safetyClampCount() const noexcept;

private:
    // The interpolator's centre tap sits kDetectorDelaySamples behind the newest input sample.
    static constexpr int kDetectorDelaySamples = kTapsPerPhase / 2;
    // Samples either side of a peak that get at most its gain (the interpolation of the output
    // reaches over the neighbours, and the refined peak may lie half a sample off its centre).
    static constexpr int kHoldMarginSamples = 4;
    // The gain ramps down over this many samples (about 0.9 ms) ...
    static constexpr int kAttackSamples = kLookAheadSamples - kDetectorDelaySamples - kHoldMarginSamples + 1;
    // ... from the minimum over this window, so the ramp ends kHoldMarginSamples before the peak and
    // the gain stays down until kHoldMarginSamples after it.
    static constexpr int kMinimumWindowSamples = kAttackSamples + 2 * kHoldMarginSamples;
    static_assert(kAttackSamples > 0, "the look-ahead must cover the detector's delay");
    // Gains as integers in units of 2^-32: the running sum of the attack average is exact, never
    // drifts, and is exactly 1 whenever nothing was limited during the window.
    static constexpr std::int64_t kGainOne = std::int64_t{1} << 32;

    struct WindowEntry {
        std::int64_t step = 0;
        std::int64_t gain = 0;
    };

    // The largest true-peak estimate among the newest oversampled points of both channels.
    [[nodiscard]] float detectPeak(float left, float right) noexcept;
    // The limiting gain for the sample leaving the delay line now, given the newest peak.
    [[nodiscard]] double nextGain(float peak) noexcept;

    // Prototype low-pass at 4x the rate; phase j's tap i is interpolationTaps_[4 * i + j] and
    // applies to the input sample i steps back.
    std::array<float, static_cast<std::size_t>(kOversampling* kTapsPerPhase)> interpolationTaps_{};
    // The newest input samples, each stored twice so that the kTapsPerPhase newest are contiguous
    // from historyStart_ on (newest first).
    std::array<float, static_cast<std::size_t>(2 * kTapsPerPhase)> historyLeft_{};
    std::array<float, static_cast<std::size_t>(2 * kTapsPerPhase)> historyRight_{};
    int historyStart_ = 0;
    // The last two oversampled points of each channel, oldest first, for the refinement.
    std::array<float, 2> previousLeft_{};
    std::array<float, 2> previousRight_{};

    // Sliding minimum of the required gain: a ring of increasing gains, the window's minimum first.
    std::array<WindowEntry, static_cast<std::size_t>(kMinimumWindowSamples)> minimumWindow_{};
    int minimumFront_ = 0;
    int minimumSize_ = 0;
    std::int64_t step_ = 0;

    // Moving average of the windowed minimum over the attack time.
    std::array<std::int64_t, static_cast<std::size_t>(kAttackSamples)> attackValues_{};
    std::int64_t attackSum_ = 0;
    int attackPosition_ = 0;

    double releaseCoefficient_ = 0.0;
    double gain_ = 1.0;

    std::array<float, static_cast<std::size_t>(kLookAheadSamples)> delayLeft_{};
    std::array<float, static_cast<std::size_t>(kLookAheadSamples)> delayRight_{};
    int delayPosition_ = 0;

    std::atomic<std::int64_t> safetyClamps_{0};
};

} // namespace hoststudio::media::detail
