// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The audio mixer: every audio source (the microphone, a file's audio, the test tone), already at
// 48 kHz stereo on the output timeline (sources resample with libswresample), summed with a gain
// and a mute per source, clipped to [-1, 1]. No source: silence, so the stream always has an
// audio track. Peak and RMS are measured per source (before gain and mute, what the source
// delivers) and for the mix, and collected by takeLevels().
//
// Thread safety: mix() runs on the encoder thread; setGain/setMuted/takeLevels from any thread.

#include "hoststudio/media/Sources.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hoststudio::media {

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
    // Not owning: the source must outlive the mixer's use.
    int addInput(AudioSource* source, float gain = 1.0F, bool muted = false);
    [[nodiscard]] int inputCount() const;
    void setGain(int input, float gain);
    void setMuted(int input, bool muted);
    // Mixes `count` samples at output position `position` into `left`/`right`.
    void mix(std::int64_t position, float* left, float* right, int count);
    // The levels since the previous call: one per input, then the mix.
    [[nodiscard]] std::vector<AudioLevel> takeLevels();

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
    std::vector<std::unique_ptr<Input>> inputs_; // set up before mixing starts
    std::vector<float> scratchLeft_;
    std::vector<float> scratchRight_;
    mutable std::mutex levelsMutex_;
    Meter mixMeter_; // guarded by levelsMutex_
};

} // namespace hoststudio::media
