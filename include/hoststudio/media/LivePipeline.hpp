// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Media out: the scene (sources composed by layout, audio mixed) encoded once (libx264 + AAC-LC) and the same packets
// fed to every network output (RTMP/RTMPS over libavformat FLV) and to an optional crash-safe local recording
// (Matroska, a cluster at least every second, flushed to disk as written).
//
// Two ways to run: create() makes a pipeline with its outputs, connected by start() before the
// clock and the sources start; createStudio() makes a studio whose sources run from start() on for
// the window's preview and meters, with outputs added by goLive() and taken away by endLive() while
// the sources, the composing and the mixing go on (a Go Live takes over what the host already sees).
//
// Threads (all owned by the pipeline, joined by stop()):
//  - the encoder thread: opens the encoders and outputs, then composes (Compositor.hpp), mixes
//    (AudioMixer.hpp), encodes and pushes packets on the output clock; it never waits for the network
//    (each output has its own SendQueue) nor for a source (sources only publish their latest picture;
//    one that stops shows its last picture for `holdLastFrame`, then the slate);
//  - the sources' own capture/decoding threads (Sources.hpp), started with the output clock;
//  - one sender thread per network output: connect, send, and reconnect by core::ReconnectPolicy
//    after a mid-stream drop (a first-connect failure ends the start at once);
//  - the recorder thread: writes every packet, never drops.
// Events reach the owner through `EventCallback`, called on those threads: it must only post
// (e.g. QMetaObject::invokeMethod(..., Qt::QueuedConnection)). Public methods are for the owner's
// thread; sampleStats() reads atomics and mutex-guarded fields only.

#include "hoststudio/core/ReconnectPolicy.hpp"
#include "hoststudio/core/Result.hpp"
#include "hoststudio/media/AudioMixer.hpp"
#include "hoststudio/media/Compositor.hpp"
#include "hoststudio/media/EncoderSettings.hpp"
#include "hoststudio/media/LiveStats.hpp"
#include "hoststudio/media/Preview.hpp"
#include "hoststudio/media/SendQueue.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace hoststudio::media {

struct NetworkOutputConfig {
    std::string url;    // rtmp(s)://host[:port]/app/KEY
    std::string caFile; // rtmps: a PEM bundle to trust instead of the system's (kSystemCaFile)
    core::ReconnectConfig reconnect = core::ReconnectConfig::defaults();
    std::chrono::milliseconds connectTimeout{10000};
    std::chrono::milliseconds sendTimeout{5000}; // one write blocked this long counts as a drop
    int sendBufferBytes = 0;                     // the socket's send buffer (SO_SNDBUF); 0: the kernel's auto-tuning.
                             // A small one keeps the backlog in the SendQueue, where it is measured.
    SendQueueLimits queueLimits;
};

struct RecordingConfig {
    std::string filePath; // Matroska
    std::chrono::milliseconds clusterDuration{1000};
};

// The Matroska chunk stream (an ingest fed over a message channel). `onChunk` runs on the chunk
// thread; it must copy or post and return at once. `header` is true for the first chunk of every
// (re)start: the container header together with the first keyframe and more (at least 4 KiB, over
// the 1000 bytes the seed backend needs to start its encoder); after it, what was muxed since the last
// chunk, every `chunkInterval`.
struct ChunkStreamConfig {
    std::function<void(std::span<const std::uint8_t> bytes, bool header)> onChunk;
    std::chrono::milliseconds clusterDuration{1000};
    // Media is handed out at most this often, gathered into one chunk (the seed backend writes each
    // chunk to a file asynchronously: chunks close together can land out of order).
    std::chrono::milliseconds chunkInterval{250};
    SendQueueLimits queueLimits;
};

// What is on the picture and in the sound. Sources are given as text (SourceSpec: "screen",
// "camera[:ID]", "file:PATH", "image:PATH", "synthetic-camera", "testpattern").
struct SceneConfig {
    std::string source = "testpattern"; // the main source (screen / pip background / left of side)
    std::string camera;                 // the second source (pip corner / right of side / camera layout)
    std::string microphone = "none";    // "none", "default", or a device id or description
    bool microphoneMuted = false;
    float microphoneGain = 1.0F;
    float mediaGain = 1.0F; // the sources' own audio (a file's, the test tone)
    Layout layout = Layout::screen;
    PipSettings pip;
    ScreenCaptureOptions screen; // fps is the encoder's
    FileSourceOptions file;
    std::chrono::milliseconds holdLastFrame{1000}; // a source that stops: its last picture this long, then the slate
};

struct SourceStatus {
    std::string slot; // "main", "camera"
    std::string source;
    SignalState state = SignalState::waiting;
};

// The scene's state, sampled with the statistics.
struct SceneStats {
    std::vector<SourceStatus> sources;
    std::vector<AudioLevel> audio; // per audio source, then "mix"
    // CPU time of the encoder thread per frame spent getting the sources' pictures and composing
    // them (or drawing the test pattern), since the previous sample.
    double composeMsPerFrame = 0.0;
};

// The outputs of one go-live: the network outputs, the local recording, the chunk stream.
struct BroadcastConfig {
    std::vector<NetworkOutputConfig> outputs;
    std::optional<RecordingConfig> recording;
    std::optional<ChunkStreamConfig> chunkStream;
    // On the end, how long queued packets may still be sent (OBS: 30 s); a write blocked for the output's
    // sendTimeout ends the flush earlier, and abortFlush() ends it at once.
    std::chrono::milliseconds flushTimeout{30000};
};

struct LiveConfig : BroadcastConfig {
    EncoderSettings encoder = EncoderSettings::defaults();
    SceneConfig scene;
    // Preview frames for the window (Preview.hpp): the encoder thread offers every composed frame;
    // the preview keeps what its rate asks for and converts it on its own thread. The owner keeps
    // the preview and stops it after the pipeline.
    std::shared_ptr<FramePreview> preview;
};

enum class LiveEventKind : std::uint8_t {
    started,            // every output connected, encoding runs
    startFailed,        // `error`: an output's first connect or the encoders failed; stopping
    outputDropped,      // `outputIndex` lost its connection mid-stream
    outputReconnecting, // next attempt `attempt` of `maxAttempts` in `retryDelay`
    outputReconnected,
    outputFailed,    // `error`: retries exhausted
    recordingFailed, // `error`
    stopped,
};
[[nodiscard]] const char* liveEventName(LiveEventKind kind) noexcept;

struct LiveEvent {
    LiveEventKind kind = LiveEventKind::started;
    int outputIndex = -1;
    core::Error error;
    std::chrono::milliseconds retryDelay{0};
    int attempt = 0;
    int maxAttempts = 0;

    [[nodiscard]] static LiveEvent of(LiveEventKind kind, core::Error error = {})
    {
        LiveEvent event;
        event.kind = kind;
        event.error = std::move(error);
        return event;
    }
};

class LivePipeline {
public:
    using EventCallback = std::function<void(const LiveEvent&)>;

    // Validates the settings and URLs (registering stream keys with the log scrubber) and opens the
    // sources (a bad path, a missing display, camera or microphone is an error here); sends nothing.
    // start() connects the outputs, then starts the clock and the sources.
    [[nodiscard]] static core::Result<std::unique_ptr<LivePipeline>> create(LiveConfig config, EventCallback onEvent);
    // A studio: the sources opened as for create(), no output (config's outputs, recording and chunk
    // stream are ignored). From start() on it composes every frame (the preview) and mixes the
    // sound (the levels) without encoding; goLive() adds the outputs to the running sources and
    // endLive() takes them away again, as often as the host goes live.
    [[nodiscard]] static core::Result<std::unique_ptr<LivePipeline>> createStudio(LiveConfig config);
    ~LivePipeline();
    LivePipeline(const LivePipeline&) = delete;
    LivePipeline& operator=(const LivePipeline&) = delete;

    // A studio's go-live: the encoders are opened and the outputs connected on the encoder thread
    // while the composing goes on; the first encoded frame is the next composed one (no source is
    // opened again, timestamps start at 0). The outcome arrives at `onEvent` as `started` or
    // `startFailed`, then the outputs' events, and `stopped` once endLive() is done. Errors: a live
    // already attached, an invalid URL, not a studio or not started.
    [[nodiscard]] core::Status goLive(BroadcastConfig outputs, EventCallback onEvent);
    // Ends the go-live: the encoders drained, queued packets sent for at most flushTimeout (none
    // while still connecting), the outputs closed; blocks until done. The composing goes on.
    // No effect when not live.
    void endLive();
    // Changes what is on the picture and in the sound, live or not, without touching the encoders
    // or the outputs: the new scene's sources are opened here (those the running scene has under
    // the same text are kept as they run: a microphone kept sounds on without a gap), and the
    // encoder thread switches at the next frame (a cut). Sources no scene uses any more are stopped
    // soon after (at the next setScene, sampleScene or stop). The microphone's mute and the
    // hold time stay as they are. Errors: a source that cannot be opened (the running scene goes on).
    [[nodiscard]] core::Status setScene(SceneConfig scene);
    // Whether a go-live is attached (connecting or encoding).
    [[nodiscard]] bool isLive() const;

    // Starts the threads; the outcome arrives as `started` or `startFailed` (a studio: composing starts).
    void start();
    // Stops at once: ends the go-live as endLive() does, then the composing and the sources. Blocks
    // until every thread has ended. Idempotent.
    void stop();
    // Ends a running stop()'s flush now: queued packets are dropped, connections closed. Safe from
    // any thread while stop() blocks in another.
    void abortFlush();
    // Ends a pending reconnect wait of that output now ("retry now").
    void retryNow(int outputIndex);
    // Starts the chunk stream again: a new container header, then clusters from the next keyframe
    // (call when the channel carrying it reconnected). No effect without a chunk stream.
    void restartChunkStream();
    // The statistics since the previous call (call about once a second).
    [[nodiscard]] LiveStats sampleStats();
    // The sources' states and the audio levels since the previous call.
    [[nodiscard]] SceneStats sampleScene();
    // Mutes or unmutes the microphone while live (no effect without one).
    void setMicrophoneMuted(bool muted);

    class Impl;

private:
    explicit LivePipeline(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// A running studio (createStudio + start) whose preview frames go to `onPreviewFrame` on the
// preview's thread (empty: no preview); the preview stops when the studio goes.
[[nodiscard]] core::Result<std::shared_ptr<LivePipeline>>
startStudio(LiveConfig config, std::function<void(PreviewFrame frame)> onPreviewFrame);

} // namespace hoststudio::media
