// SPDX-License-Identifier: GPL-2.0-or-later
#include "Limiter.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace hoststudio::media::detail {

namespace {

// Kaiser window shape: the images are rejected by more than 75 dB and the interpolation stays flat
// (within 0.01 dB) up to 21 kHz.
constexpr double kKaiserBeta = 7.0;

// Below this a detector input is treated as silence: the interpolator's products would otherwise
// become denormal numbers, which cost a hundred times more on common processors.
constexpr float kDetectorSilence = 1e-20F;

// The release aims this far past the gain it returns to, so that it arrives in finite time (about
// seven time constants from deep limiting) rather than approaching 1 forever.
constexpr double kReleaseOvershoot = 1e-3;

// The modified Bessel function of the first kind, order 0, by its power series (converges fast for
// the arguments of a Kaiser window).
double besselI0(double argument) noexcept
{
    const double quarterSquare = argument * argument / 4.0;
    double term = 1.0;
    double sum = 1.0;
    for (int order = 1; order < 64 && term > sum * 1e-17; ++order) {
        term *= quarterSquare / (static_cast<double>(order) * static_cast<double>(order));
        sum += term;
    }
    return sum;
}

// The most refinedPeak() can raise a point's magnitude: the vertex of a parabola through a local
// extremum and two smaller neighbours of the same sign lies at most a quarter above it.
constexpr float kLargestRefinement = 1.25F;

// The true-peak magnitude near the oversampled point `centre`, given its neighbours: where the
// centre is a local extremum, the vertex of the parabola through the three points; otherwise the
// point itself.
float refinedPeak(float before, float centre, float after) noexcept
{
    const float magnitude = std::fabs(centre);
    const bool sameSign = before * centre > 0.0F && after * centre > 0.0F;
    if (!sameSign || std::fabs(before) > magnitude || std::fabs(after) > magnitude) {
        return magnitude;
    }
    const float curvature = 2.0F * centre - before - after; // same sign as centre, or 0 when flat
    if (curvature == 0.0F) {
        return magnitude;
    }
    const float slope = before - after;
    return magnitude + slope * slope / (8.0F * std::fabs(curvature));
}

} // namespace

Limiter::Limiter() noexcept
{
    // A windowed sinc at 4x the rate whose cut-off is the input's Nyquist frequency. Centred on a
    // tap, its zeros fall exactly on the other multiples of 4: phase 0 reproduces the input samples
    // exactly, the other phases interpolate between them.
    constexpr int centre = kOversampling * kTapsPerPhase / 2;
    const double windowNormaliser = besselI0(kKaiserBeta);
    for (int tap = 0; tap < kOversampling * kTapsPerPhase; ++tap) {
        const int offset = tap - centre;
        double value = 0.0;
        if (offset == 0) {
            value = 1.0;
        } else if (offset % kOversampling != 0) {
            const double argument = std::numbers::pi * static_cast<double>(offset) / kOversampling;
            const double position = static_cast<double>(offset) / centre;
            value = std::sin(argument) / argument * besselI0(kKaiserBeta * std::sqrt(1.0 - position * position)) /
                    windowNormaliser;
        }
        interpolationTaps_[static_cast<std::size_t>(tap)] = static_cast<float>(value);
    }
    // Each phase passes a constant unchanged (the window leaves the sums a little off 1).
    for (std::size_t phase = 1; phase < kOversampling; ++phase) {
        double sum = 0.0;
        for (std::size_t tap = 0; tap < kTapsPerPhase; ++tap) {
            sum += static_cast<double>(interpolationTaps_[kOversampling * tap + phase]);
        }
        for (std::size_t tap = 0; tap < kTapsPerPhase; ++tap) {
            auto& coefficient = interpolationTaps_[kOversampling * tap + phase];
            coefficient = static_cast<float>(static_cast<double>(coefficient) / sum);
        }
    }

    // Silence so far: nothing to limit anywhere in the windows.
    attackValues_.fill(kGainOne);
    attackSum_ = kGainOne * kAttackSamples;
    releaseCoefficient_ = 1.0 - std::exp(-1.0 / (kReleaseSeconds * kSampleRate));
}

float Limiter::detectPeak(float left, float right) noexcept
{
    const auto detectorInput = [](float sample) {
        return std::isfinite(sample) && std::fabs(sample) >= kDetectorSilence ? sample : 0.0F;
    };
    historyStart_ = historyStart_ == 0 ? kTapsPerPhase - 1 : historyStart_ - 1;
    const auto start = static_cast<std::size_t>(historyStart_);
    historyLeft_[start] = historyLeft_[start + kTapsPerPhase] = detectorInput(left);
    historyRight_[start] = historyRight_[start + kTapsPerPhase] = detectorInput(right);

    // All phases of both channels in one pass over the taps: the inner lanes are independent, so
    // the compiler keeps them in vector registers.
    std::array<float, kOversampling> oversampledLeft{};
    std::array<float, kOversampling> oversampledRight{};
    const float* newestLeft = historyLeft_.data() + start;
    const float* newestRight = historyRight_.data() + start;
    for (std::size_t age = 0; age < kTapsPerPhase; ++age) {
        const float* taps = interpolationTaps_.data() + kOversampling * age;
        for (std::size_t phase = 0; phase < kOversampling; ++phase) {
            oversampledLeft[phase] += taps[phase] * newestLeft[age];
            oversampledRight[phase] += taps[phase] * newestRight[age];
        }
    }

    // Six consecutive oversampled points per channel; the middle four are peak candidates.
    const std::array<float, kOversampling + 2> pointsLeft{previousLeft_[0],   previousLeft_[1],   oversampledLeft[0],
                                                          oversampledLeft[1], oversampledLeft[2], oversampledLeft[3]};
    const std::array<float, kOversampling + 2> pointsRight{previousRight_[0],   previousRight_[1],
                                                           oversampledRight[0], oversampledRight[1],
                                                           oversampledRight[2], oversampledRight[3]};
    previousLeft_ = {oversampledLeft[2], oversampledLeft[3]};
    previousRight_ = {oversampledRight[2], oversampledRight[3]};

    // The refinement adds at most a quarter of a point's magnitude: points well below the ceiling
    // need no gain whatever it finds, and skipping it saves about a third of the work in quiet passages.
    float plainPeak = 0.0F;
    for (std::size_t point = 0; point < pointsLeft.size(); ++point) {
        plainPeak = std::max({plainPeak, std::fabs(pointsLeft[point]), std::fabs(pointsRight[point])});
    }
    if (plainPeak * kLargestRefinement <= kCeiling) {
        return plainPeak;
    }
    float peak = 0.0F;
    for (std::size_t centre = 1; centre <= kOversampling; ++centre) {
        peak = std::max({peak, refinedPeak(pointsLeft[centre - 1], pointsLeft[centre], pointsLeft[centre + 1]),
                         refinedPeak(pointsRight[centre - 1], pointsRight[centre], pointsRight[centre + 1])});
    }
    return peak;
}

double Limiter::nextGain(float peak) noexcept
{
    // The gain this peak needs, rounded down to the integer grid so it is never above what is needed.
    std::int64_t required = kGainOne;
    if (peak > kCeiling) {
        const double exact = static_cast<double>(kCeiling) / static_cast<double>(peak);
        required = static_cast<std::int64_t>(std::floor(exact * static_cast<double>(kGainOne)));
    }

    // Sliding minimum: drop the larger gains behind (they can never be the minimum again) and the
    // entries that left the window.
    const auto at = [this](int index) -> WindowEntry& {
        return minimumWindow_[static_cast<std::size_t>((minimumFront_ + index) % kMinimumWindowSamples)];
    };
    while (minimumSize_ > 0 && at(minimumSize_ - 1).gain >= required) {
        --minimumSize_;
    }
    at(minimumSize_) = WindowEntry{step_, required};
    ++minimumSize_;
    while (at(0).step <= step_ - kMinimumWindowSamples) {
        minimumFront_ = (minimumFront_ + 1) % kMinimumWindowSamples;
        --minimumSize_;
    }
    ++step_;
    const std::int64_t windowMinimum = at(0).gain;

    // Moving average over the attack time: a straight ramp down to the held minimum.
    auto& oldest = attackValues_[static_cast<std::size_t>(attackPosition_)];
    attackSum_ += windowMinimum - oldest;
    oldest = windowMinimum;
    attackPosition_ = (attackPosition_ + 1) % kAttackSamples;
    const double attackGain = static_cast<double>(attackSum_) / static_cast<double>(kGainOne * kAttackSamples);

    if (attackGain <= gain_) {
        gain_ = attackGain;
    } else {
        gain_ = std::min(attackGain, gain_ + releaseCoefficient_ * (attackGain + kReleaseOvershoot - gain_));
    }
    return gain_;
}

void Limiter::process(float* left, float* right, int count) noexcept
{
    for (int index = 0; index < count; ++index) {
        const double gain = nextGain(detectPeak(left[index], right[index]));

        const auto slot = static_cast<std::size_t>(delayPosition_);
        const float delayedLeft = delayLeft_[slot];
        const float delayedRight = delayRight_[slot];
        delayLeft_[slot] = left[index];
        delayRight_[slot] = right[index];
        delayPosition_ = (delayPosition_ + 1) % kLookAheadSamples;

        const auto limit = [this, gain](float sample) {
            // A gain of exactly 1 (below the ceiling) leaves the sample bit-exact.
            auto limited = static_cast<float>(gain * static_cast<double>(sample));
            if (!(std::fabs(limited) <= kCeiling)) {
                limited = std::isnan(limited) ? 0.0F : std::copysign(kCeiling, limited);
                safetyClamps_.fetch_add(1, std::memory_order_relaxed);
            }
            return limited;
        };
        left[index] = limit(delayedLeft);
        right[index] = limit(delayedRight);
    }
}

std::int64_t Limiter::safetyClampCount() const noexcept
{
    return safetyClamps_.load(std::memory_order_relaxed);
}

} // namespace hoststudio::media::detail
