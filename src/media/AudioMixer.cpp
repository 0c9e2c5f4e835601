// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/AudioMixer.hpp"

#include "Limiter.hpp"

#include <algorithm>
#include <cmath>

namespace hoststudio::media {

// --- AudioTimeline -----------------------------------------------------------------------------

AudioTimeline::AudioTimeline(std::chrono::milliseconds capacity, std::chrono::milliseconds maxLiveLatency)
    : capacity_(std::max<std::int64_t>(1024, capacity.count() * kMixSampleRate / 1000)),
      maxLiveLatency_(maxLiveLatency.count() * kMixSampleRate / 1000)
{
    left_.assign(static_cast<std::size_t>(capacity_), 0.0F);
    right_.assign(static_cast<std::size_t>(capacity_), 0.0F);
}

void AudioTimeline::writeLocked(std::int64_t position, const float* left, const float* right, int count)
{
    std::int64_t first = 0; // samples of the input before the reader's present are dropped
    if (position < readPosition_) {
        first = readPosition_ - position;
    }
    if (first >= count) {
        return;
    }
    const std::int64_t start = position + first;
    const std::int64_t end = position + count;
    const auto zeroRange = [this](std::int64_t from, std::int64_t to) {
        from = std::max(from, to - capacity_);
        for (std::int64_t at = from; at < to; ++at) {
            const auto index = static_cast<std::size_t>(at % capacity_);
            left_[index] = 0.0F;
            right_[index] = 0.0F;
        }
    };
    if (validFrom_ >= validTo_) {
        validFrom_ = start;
        validTo_ = start;
    } else if (start > validTo_) {
        zeroRange(validTo_, start); // a gap between two writes reads as silence
    } else if (end < validFrom_) {
        zeroRange(end, validFrom_);
    }
    for (std::int64_t at = std::max(start, end - capacity_); at < end; ++at) {
        const auto index = static_cast<std::size_t>(at % capacity_);
        const auto source = static_cast<std::size_t>(at - position);
        left_[index] = left[source];
        right_[index] = right[source];
    }
    validFrom_ = std::min(validFrom_, start);
    validTo_ = std::max(validTo_, end);
    validFrom_ = std::max(validFrom_, validTo_ - capacity_);
}

void AudioTimeline::append(const float* left, const float* right, int count)
{
    const std::lock_guard lock(mutex_);
    largestAppend_ = std::max<std::int64_t>(largestAppend_, count);
    const std::int64_t latencyCap = std::min(std::max(maxLiveLatency_, 2 * largestAppend_), capacity_ - count);
    if (appendPosition_ < readPosition_ || appendPosition_ - readPosition_ > latencyCap) {
        // Behind the reader (an underrun, or the first write) or too far ahead (the device's clock
        // runs faster than the output's): start again a little ahead of the reader.
        appendPosition_ = readPosition_ + maxLiveLatency_ / 4;
        validTo_ = std::min(validTo_, std::max(validFrom_, readPosition_));
    }
    writeLocked(appendPosition_, left, right, count);
    appendPosition_ += count;
}

void AudioTimeline::writeAt(std::int64_t position, const float* left, const float* right, int count)
{
    const std::lock_guard lock(mutex_);
    writeLocked(position, left, right, count);
}

int AudioTimeline::read(std::int64_t position, float* left, float* right, int count)
{
    const std::lock_guard lock(mutex_);
    std::fill(left, left + count, 0.0F);
    std::fill(right, right + count, 0.0F);
    const std::int64_t from = std::max(position, validFrom_);
    const std::int64_t to = std::min(position + count, validTo_);
    for (std::int64_t at = from; at < to; ++at) {
        const auto index = static_cast<std::size_t>(at % capacity_);
        const auto target = static_cast<std::size_t>(at - position);
        left[target] = left_[index];
        right[target] = right_[index];
    }
    readPosition_ = position + count;
    validFrom_ = std::max(validFrom_, readPosition_);
    validTo_ = std::max(validTo_, validFrom_);
    return static_cast<int>(std::max<std::int64_t>(0, to - from));
}

std::int64_t AudioTimeline::readPosition() const
{
    const std::lock_guard lock(mutex_);
    return readPosition_;
}

// --- SignalWatch -------------------------------------------------------------------------------

const char* signalStateName(SignalState state) noexcept
{
    switch (state) {
    case SignalState::waiting: return "waiting";
    case SignalState::live: return "live";
    case SignalState::holding: return "holding";
    case SignalState::lost: return "lost";
    }
    return "unknown";
}

SignalWatch::SignalWatch(std::chrono::milliseconds hold, std::chrono::milliseconds frameInterval)
    : hold_(hold), frameInterval_(frameInterval)
{}

SignalState SignalWatch::update(std::uint64_t sequence, SteadyClock::time_point now)
{
    if (sequence == 0) {
        state_ = SignalState::waiting;
        return state_;
    }
    if (sequence != lastSequence_) {
        lastSequence_ = sequence;
        lastChange_ = now;
        state_ = SignalState::live;
        return state_;
    }
    const auto silentFor = now - lastChange_;
    if (silentFor >= hold_) {
        state_ = SignalState::lost;
    } else if (silentFor > frameInterval_ * 3) {
        state_ = SignalState::holding;
    } else {
        state_ = SignalState::live;
    }
    return state_;
}

// --- AudioMixer --------------------------------------------------------------------------------

double amplitudeToDb(double amplitude) noexcept
{
    if (amplitude <= 1e-6) {
        return -120.0;
    }
    return std::max(-120.0, 20.0 * std::log10(amplitude));
}

void AudioMixer::Meter::add(const float* left, const float* right, int count)
{
    for (int index = 0; index < count; ++index) {
        peak = std::max({peak, std::fabs(left[index]), std::fabs(right[index])});
        sumSquares += static_cast<double>(left[index]) * static_cast<double>(left[index]) +
                      static_cast<double>(right[index]) * static_cast<double>(right[index]);
    }
    samples += 2 * static_cast<std::int64_t>(count);
}

AudioLevel AudioMixer::Meter::take(std::string name, bool muted, double gain)
{
    AudioLevel level;
    level.source = std::move(name);
    level.muted = muted;
    level.gain = gain;
    level.peakDb = amplitudeToDb(static_cast<double>(peak));
    level.rmsDb = samples == 0 ? -120.0 : amplitudeToDb(std::sqrt(sumSquares / static_cast<double>(samples)));
    *this = Meter{};
    return level;
}

static_assert(AudioMixer::kLatencySamples == detail::Limiter::kLookAheadSamples,
              "the mixer's latency is its limiter's look-ahead");
static_assert(detail::Limiter::kSampleRate == kMixSampleRate, "the limiter's timing assumes the mix rate");

AudioMixer::AudioMixer() : limiter_(std::make_unique<detail::Limiter>())
{}

AudioMixer::~AudioMixer() = default;

int AudioMixer::addInput(AudioSource* source, float gain, bool muted)
{
    auto input = std::make_unique<Input>();
    input->source = source;
    input->gain.store(gain);
    input->muted.store(muted);
    const std::lock_guard lock(levelsMutex_);
    inputs_.push_back(std::move(input));
    return static_cast<int>(inputs_.size()) - 1;
}

void AudioMixer::replaceInputs(const std::vector<InputSetting>& inputs)
{
    std::vector<std::unique_ptr<Input>> replaced;
    for (const InputSetting& setting : inputs) {
        auto input = std::make_unique<Input>();
        input->source = setting.source;
        input->gain.store(setting.gain);
        input->muted.store(setting.muted);
        replaced.push_back(std::move(input));
    }
    const std::lock_guard lock(levelsMutex_);
    inputs_.swap(replaced);
}

int AudioMixer::inputCount() const
{
    const std::lock_guard lock(levelsMutex_);
    return static_cast<int>(inputs_.size());
}

void AudioMixer::setGain(int input, float gain)
{
    const std::lock_guard lock(levelsMutex_);
    if (input >= 0 && static_cast<std::size_t>(input) < inputs_.size()) {
        inputs_[static_cast<std::size_t>(input)]->gain.store(gain);
    }
}

void AudioMixer::setMuted(int input, bool muted)
{
    const std::lock_guard lock(levelsMutex_);
    if (input >= 0 && static_cast<std::size_t>(input) < inputs_.size()) {
        inputs_[static_cast<std::size_t>(input)]->muted.store(muted);
    }
}

void AudioMixer::mix(std::int64_t position, float* left, float* right, int count)
{
    std::fill(left, left + count, 0.0F);
    std::fill(right, right + count, 0.0F);
    if (static_cast<int>(scratchLeft_.size()) < count) {
        scratchLeft_.resize(static_cast<std::size_t>(count));
        scratchRight_.resize(static_cast<std::size_t>(count));
    }
    for (auto& input : inputs_) {
        (void)input->source->read(position, scratchLeft_.data(), scratchRight_.data(), count);
        {
            const std::lock_guard lock(levelsMutex_);
            input->meter.add(scratchLeft_.data(), scratchRight_.data(), count);
        }
        if (input->muted.load()) {
            continue;
        }
        const float gain = input->gain.load();
        for (int index = 0; index < count; ++index) {
            left[index] += gain * scratchLeft_[static_cast<std::size_t>(index)];
            right[index] += gain * scratchRight_[static_cast<std::size_t>(index)];
        }
    }
    limiter_->process(left, right, count);
    const std::lock_guard lock(levelsMutex_);
    mixMeter_.add(left, right, count); // what is sent
}

std::int64_t AudioMixer::limiterClampCount() const noexcept
{
    return limiter_->safetyClampCount();
}

std::vector<AudioLevel> AudioMixer::takeLevels()
{
    const std::lock_guard lock(levelsMutex_);
    std::vector<AudioLevel> levels;
    for (auto& input : inputs_) {
        levels.push_back(
            input->meter.take(input->source->describe(), input->muted.load(), static_cast<double>(input->gain.load())));
    }
    levels.push_back(mixMeter_.take("mix", false, 1.0));
    return levels;
}

} // namespace hoststudio::media
