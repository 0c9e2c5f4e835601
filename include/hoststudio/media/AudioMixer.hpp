// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The audio mixer: every audio source (the microphone, a file's audio, the test tone), already at
// 48 kHz stereo on the output timeline (sources resample with libswresample), summed with a gain
// and a mute per source, then through a look-ahead limiter that keeps the true peak of the mix at or
// below -1 dBFS (4x oversampled as ITU-R BS.1770-4 measures it; one gain for both channels, 100 ms
// release; a mix below the ceiling passes bit-exact) where hard clipping used to distort. No source:
// silence, so the stream always has an audio track.
//
// Latency: the limiter looks 1.5 ms ahead, so mix() delivers at `position` what the sources
// delivered kLatencySamples (72) samples earlier, always the same delay; the first 72 samples of a
// mixer are silence.
//
// Levels: peak and RMS per source (before gain and mute, what the source delivers) and for the mix
// (after the limiter: what is sent), collected by takeLevels().
//
// Thread safety: mix() runs on the encoder thread and alone owns the limiter's state (it persists
// from call to call: the output does not depend on how the stream is cut into calls, and mix()
// allocates nothing once it has seen its largest `count`); setGain/setMuted/takeLevels/
// limiterClampCount from any thread; addInput before mixing starts.

#include "hoststudio/media/Sources.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hoststudio::media {

namespace detail {
class Limiter;
} // namespace detail

struct AudioLevel {
    std::string source; // the source's description; "mix" for the output
    bool muted = false;
    double gain = 1.0;
    double peakDb = -120.0; // dBFS over the interval since the previous takeLevels()
    double rmsDb = -120.0;
};

// dBFS of a linear amplitude, floored at -120.
[[nodiscard]] double amplitudeToDb(double amplitude) noexcept;

class AudioMixer {
public:
    // The fixed delay of the output behind the sources: the limiter's look-ahead, 1.5 ms at 48 kHz.
    static constexpr int kLatencySamples = 72;

    AudioMixer();
    ~AudioMixer();
    AudioMixer(const AudioMixer&) = delete;
    AudioMixer& operator=(const AudioMixer&) = delete;

    // Not owning: the source must outlive the mixer's use.
    int addInput(AudioSource* source, float gain = 1.0F, bool muted = false);
    struct InputSetting {
        AudioSource* source = nullptr;
        float gain = 1.0F;
        bool muted = false;
    };
    // Replaces every input (on the thread that mixes, between two mix() calls: a scene switch);
    // the limiter and its look-ahead go on, so the sound of a source kept from before goes on
    // without a gap or a jump. Input i is then inputs[i].
    void replaceInputs(const std::vector<InputSetting>& inputs);
    [[nodiscard]] int inputCount() const;
    void setGain(int input, float gain);
    void setMuted(int input, bool muted);
    // Mixes `count` samples at output position `position` into `left`/`right`: the sum of the
    // sources at `position - kLatencySamples`, limited.
    void mix(std::int64_t position, float* left, float* right, int count);
    // The levels since the previous call: one per input, then the mix (as sent, after the limiter).
    [[nodiscard]] std::vector<AudioLevel> takeLevels();
    // Samples the limiter still had to clamp to the ceiling after its gain (its safety net; stays 0
    // for any signal that is not malformed, such as NaN).
    [[nodiscard]] std::int64_t limiterClampCount() const noexcept;

private:
    struct Meter {
        float peak = 0.0F;
        double sumSquares = 0.0;
        std::int64_t samples = 0;
        void add(const float* left, const float* right, int count);
        AudioLevel take(std::string name, bool muted, double gain);
    };
    struct Input {
        AudioSource* source = nullptr;
        std::atomic<float> gain{1.0F};
        std::atomic<bool> muted{false};
        Meter meter; // guarded by levelsMutex_
    };
    std::vector<std::unique_ptr<Input>> inputs_; // changed by the mixing thread under levelsMutex_
    std::vector<float> scratchLeft_;
    std::vector<float> scratchRight_;
    std::unique_ptr<detail::Limiter> limiter_; // used by mix() only
    mutable std::mutex levelsMutex_;
    Meter mixMeter_; // guarded by levelsMutex_
};

} // namespace hoststudio::media
