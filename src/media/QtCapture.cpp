// SPDX-License-Identifier: GPL-2.0-or-later
// Capture through Qt Multimedia: the microphone (QAudioSource), the camera (QCamera + QVideoSink),
// and the device lists (QMediaDevices). Each device lives on its own QThread with an event loop
// (Qt delivers its data there); what it captures is handed over under a mutex (camera) or through
// an AudioTimeline (microphone), so the encoder thread never waits for a device.
//
// Threads: the device thread (owned by the source, quit and joined by its destructor); read() and
// latest() run on the encoder thread.
#include "FfmpegSupport.hpp"
#include "SourceInternals.hpp"

#include "hoststudio/media/MediaError.hpp"

#include <QAudioDevice>
#include <QAudioSource>
#include <QCamera>
#include <QCameraDevice>
#include <QCoreApplication>
#include <QImage>
#include <QMediaCaptureSession>
#include <QMediaDevices>
#include <QPointer>
#include <QThread>
#include <QTimer>
#include <QVideoFrame>
#include <QVideoSink>

#include <cstring>
#include <mutex>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>
}

namespace hoststudio::media {

namespace {

// A thread with an event loop and an object living in it to run code there.
class DeviceThread {
public:
    DeviceThread()
    {
        context_.moveToThread(&thread_);
        thread_.start();
    }
    ~DeviceThread() { finish(); }
    DeviceThread(const DeviceThread&) = delete;
    DeviceThread& operator=(const DeviceThread&) = delete;

    template <typename Function> void runBlocking(Function&& function)
    {
        QMetaObject::invokeMethod(&context_, std::forward<Function>(function), Qt::BlockingQueuedConnection);
    }
    QObject* context() { return &context_; }
    void finish()
    {
        if (thread_.isRunning()) {
            thread_.quit();
            thread_.wait();
        }
    }

private:
    QThread thread_;
    QObject context_;
};

AVSampleFormat toAvFormat(QAudioFormat::SampleFormat format)
{
    switch (format) {
    case QAudioFormat::UInt8: return AV_SAMPLE_FMT_U8;
    case QAudioFormat::Int16: return AV_SAMPLE_FMT_S16;
    case QAudioFormat::Int32: return AV_SAMPLE_FMT_S32;
    case QAudioFormat::Float: return AV_SAMPLE_FMT_FLT;
    default: return AV_SAMPLE_FMT_NONE;
    }
}

class MicrophoneSource final : public AudioSource {
public:
    explicit MicrophoneSource(QAudioDevice device) : device_(std::move(device)) {}
    ~MicrophoneSource() override
    {
        thread_.runBlocking([this] {
            delete poll_; // NOLINT(cppcoreguidelines-owning-memory)
            poll_ = nullptr;
            if (source_ != nullptr) {
                source_->stop();
                delete source_; // NOLINT(cppcoreguidelines-owning-memory)
                source_ = nullptr;
            }
        });
        thread_.finish();
        swr_free(&resampler_);
    }

    [[nodiscard]] std::string describe() const override { return "microphone " + name_; }

    core::Status open()
    {
        name_ = device_.description().toStdString();
        QAudioFormat format;
        format.setSampleRate(kMixSampleRate);
        format.setChannelCount(2);
        format.setSampleFormat(QAudioFormat::Float);
        if (!device_.isFormatSupported(format)) {
            format = device_.preferredFormat();
        }
        const AVSampleFormat sampleFormat = toAvFormat(format.sampleFormat());
        if (sampleFormat == AV_SAMPLE_FMT_NONE || format.channelCount() < 1 || format.sampleRate() < 8000) {
            return core::Error{MediaErrc::deviceUnavailable, "microphone " + name_ + ": unsupported sample format"};
        }
        AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
        AVChannelLayout input{};
        av_channel_layout_default(&input, format.channelCount());
        const int result = swr_alloc_set_opts2(&resampler_, &stereo, AV_SAMPLE_FMT_FLTP, kMixSampleRate, &input,
                                               sampleFormat, format.sampleRate(), 0, nullptr);
        av_channel_layout_uninit(&input);
        if (result < 0 || swr_init(resampler_) < 0) {
            return core::Error{MediaErrc::deviceUnavailable, "microphone " + name_ + ": cannot resample to 48 kHz"};
        }
        bytesPerFrame_ = format.bytesPerFrame();
        bool started = false;
        thread_.runBlocking([this, format, &started] {
            source_ = new QAudioSource(device_, format); // NOLINT(cppcoreguidelines-owning-memory)
            QIODevice* io = source_->start();
            if (io == nullptr) {
                return;
            }
            // Read what arrived every 20 ms (a device may deliver in periods of any length).
            poll_ = new QTimer(thread_.context()); // NOLINT(cppcoreguidelines-owning-memory)
            // Qt deletes the device when the sound server goes away: hold it weakly.
            QObject::connect(poll_, &QTimer::timeout, thread_.context(), [this, device = QPointer<QIODevice>(io)] {
                if (device.isNull() || source_ == nullptr || source_->state() == QAudio::StoppedState) {
                    return;
                }
                const QByteArray data = device->readAll();
                consume(data.constData(), data.size());
            });
            poll_->start(20);
            if (source_->error() != QAudio::NoError) {
                return;
            }
            started = true;
            QObject::connect(source_, &QAudioSource::stateChanged, thread_.context(), [this](QAudio::State state) {
                if (state == QAudio::StoppedState && source_ != nullptr && source_->error() != QAudio::NoError) {
                    qCWarning(lcMedia) << "microphone" << name_.c_str() << "stopped delivering (error"
                                       << source_->error() << "): its track is silent";
                }
            });
        });
        if (!started) {
            return core::Error{MediaErrc::deviceUnavailable, "microphone " + name_ + " could not be started"};
        }
        return {};
    }

    int read(std::int64_t position, float* left, float* right, int count) override
    {
        return timeline_.read(position, left, right, count);
    }

private:
    // Device thread.
    void consume(const char* bytes, qint64 size)
    {
        const int frames = bytesPerFrame_ > 0 ? static_cast<int>(size / bytesPerFrame_) : 0;
        if (frames <= 0) {
            return;
        }
        const int capacity = swr_get_out_samples(resampler_, frames);
        left_.resize(static_cast<std::size_t>(std::max(capacity, 1)));
        right_.resize(left_.size());
        std::uint8_t* planes[2] = {reinterpret_cast<std::uint8_t*>(left_.data()),   // NOLINT
                                   reinterpret_cast<std::uint8_t*>(right_.data())}; // NOLINT
        const auto* data = reinterpret_cast<const std::uint8_t*>(bytes);            // NOLINT
        const int converted = swr_convert(resampler_, planes, capacity, &data, frames);
        if (converted > 0) {
            timeline_.append(left_.data(), right_.data(), converted);
        }
    }

    QAudioDevice device_;
    std::string name_;
    DeviceThread thread_;
    QAudioSource* source_ = nullptr; // device thread
    QTimer* poll_ = nullptr;         // device thread
    SwrContext* resampler_ = nullptr;
    int bytesPerFrame_ = 0;
    std::vector<float> left_;
    std::vector<float> right_;
    AudioTimeline timeline_{std::chrono::milliseconds(6000)};
};

class CameraSource final : public VideoSource {
public:
    explicit CameraSource(const QCameraDevice& device) : device_(device) {}
    ~CameraSource() override { stop(); }
    [[nodiscard]] std::string describe() const override { return "camera " + device_.description().toStdString(); }

    core::Status open()
    {
        bool active = false;
        thread_.runBlocking([this, &active] {
            camera_ = new QCamera(device_);        // NOLINT(cppcoreguidelines-owning-memory)
            session_ = new QMediaCaptureSession(); // NOLINT(cppcoreguidelines-owning-memory)
            sink_ = new QVideoSink();              // NOLINT(cppcoreguidelines-owning-memory)
            session_->setCamera(camera_);
            session_->setVideoSink(sink_);
            QObject::connect(sink_, &QVideoSink::videoFrameChanged, thread_.context(),
                             [this](const QVideoFrame& frame) { deliver(frame); });
            camera_->start();
            active = camera_->error() == QCamera::NoError;
        });
        if (!active) {
            return core::Error{MediaErrc::deviceUnavailable,
                               "camera " + device_.description().toStdString() + " could not be started"};
        }
        return {};
    }

    void stop() override
    {
        if (stopped_) {
            return;
        }
        stopped_ = true;
        thread_.runBlocking([this] {
            if (camera_ != nullptr) {
                camera_->stop();
            }
            delete session_; // NOLINT(cppcoreguidelines-owning-memory)
            delete sink_;    // NOLINT(cppcoreguidelines-owning-memory)
            delete camera_;  // NOLINT(cppcoreguidelines-owning-memory)
            session_ = nullptr;
            sink_ = nullptr;
            camera_ = nullptr;
        });
        thread_.finish();
    }

    VideoSample latest(std::chrono::microseconds /*mediaTime*/) override
    {
        const std::lock_guard lock(mutex_);
        return {latest_, sequence_, {}};
    }

private:
    // Device thread: one copy per frame, into packed 32-bit RGB the compositor converts.
    void deliver(const QVideoFrame& frame)
    {
        const QImage image = frame.toImage().convertToFormat(QImage::Format_RGBX8888);
        if (image.isNull()) {
            return;
        }
        auto picture = detail::allocatePicture(image.width(), image.height(), AV_PIX_FMT_RGB0);
        if (!picture) {
            return;
        }
        picture->color_range = AVCOL_RANGE_JPEG;
        const auto rowBytes = static_cast<std::size_t>(image.width()) * 4;
        for (int row = 0; row < image.height(); ++row) {
            std::memcpy(picture->data[0] + static_cast<std::ptrdiff_t>(row) * picture->linesize[0],
                        image.constScanLine(row), rowBytes);
        }
        const std::lock_guard lock(mutex_);
        latest_ = std::move(picture);
        ++sequence_;
    }

    QCameraDevice device_;
    DeviceThread thread_;
    QCamera* camera_ = nullptr;               // device thread
    QMediaCaptureSession* session_ = nullptr; // device thread
    QVideoSink* sink_ = nullptr;              // device thread
    bool stopped_ = false;
    std::mutex mutex_;
    std::shared_ptr<const AVFrame> latest_; // guarded by mutex_
    std::uint64_t sequence_ = 0;            // guarded by mutex_
};

std::string joinDescriptions(const QStringList& names)
{
    return names.isEmpty() ? std::string("none") : names.join(QStringLiteral(", ")).toStdString();
}

core::Status requireApplication(const char* what)
{
    if (QCoreApplication::instance() == nullptr) {
        return core::Error{MediaErrc::deviceUnavailable, std::string(what) + " needs a running Qt application"};
    }
    return {};
}

} // namespace

core::Result<std::unique_ptr<AudioSource>> openMicrophone(const std::string& device)
{
    if (core::Status ready = requireApplication("the microphone"); !ready) {
        return ready.error();
    }
    const QList<QAudioDevice> inputs = QMediaDevices::audioInputs();
    QAudioDevice chosen;
    if (device.empty() || device == "default") {
        chosen = QMediaDevices::defaultAudioInput();
    } else {
        const QString wanted = QString::fromStdString(device);
        for (const QAudioDevice& input : inputs) {
            if (QString::fromUtf8(input.id()) == wanted || input.description() == wanted) {
                chosen = input;
                break;
            }
        }
    }
    if (chosen.isNull()) {
        QStringList names;
        for (const QAudioDevice& input : inputs) {
            names.push_back(QString::fromUtf8(input.id()));
        }
        return core::Error{MediaErrc::deviceUnavailable,
                           "no microphone '" + (device.empty() ? std::string("default") : device) +
                               "'; available: " + joinDescriptions(names) +
                               " (hoststudio devices lists them; --mic none streams without one)"};
    }
    auto source = std::make_unique<MicrophoneSource>(chosen);
    if (core::Status opened = source->open(); !opened) {
        return opened.error();
    }
    return std::unique_ptr<AudioSource>(std::move(source));
}

namespace detail {

core::Result<OpenedSource> openCameraSource(const std::string& cameraId)
{
    if (core::Status ready = requireApplication("the camera"); !ready) {
        return ready.error();
    }
    const QList<QCameraDevice> cameras = QMediaDevices::videoInputs();
    if (cameras.isEmpty()) {
        return core::Error{MediaErrc::deviceUnavailable,
                           "no camera found: connect one, or use synthetic-camera, file:PATH or image:PATH instead"};
    }
    QCameraDevice chosen;
    if (cameraId.empty()) {
        chosen = QMediaDevices::defaultVideoInput();
    } else {
        for (const QCameraDevice& camera : cameras) {
            if (QString::fromUtf8(camera.id()) == QString::fromStdString(cameraId) ||
                camera.description() == QString::fromStdString(cameraId)) {
                chosen = camera;
            }
        }
    }
    if (chosen.isNull()) {
        QStringList names;
        for (const QCameraDevice& camera : cameras) {
            names.push_back(QString::fromUtf8(camera.id()));
        }
        return core::Error{MediaErrc::deviceUnavailable,
                           "no camera '" + cameraId + "'; available: " + joinDescriptions(names)};
    }
    auto camera = std::make_unique<CameraSource>(chosen);
    if (core::Status opened = camera->open(); !opened) {
        return opened.error();
    }
    OpenedSource opened;
    opened.video = std::move(camera);
    return opened;
}

} // namespace detail

std::vector<CaptureDevice> listCaptureDevices(const std::string& display)
{
    std::vector<CaptureDevice> devices;
    if (QCoreApplication::instance() != nullptr) {
        const QCameraDevice defaultCamera = QMediaDevices::defaultVideoInput();
        for (const QCameraDevice& camera : QMediaDevices::videoInputs()) {
            CaptureDevice device;
            device.kind = "camera";
            device.id = QString::fromUtf8(camera.id()).toStdString();
            device.name = camera.description().toStdString();
            device.isDefault = camera == defaultCamera;
            devices.push_back(std::move(device));
        }
        const QAudioDevice defaultInput = QMediaDevices::defaultAudioInput();
        for (const QAudioDevice& input : QMediaDevices::audioInputs()) {
            CaptureDevice device;
            device.kind = "microphone";
            device.id = QString::fromUtf8(input.id()).toStdString();
            device.name = input.description().toStdString();
            device.isDefault = input == defaultInput;
            devices.push_back(std::move(device));
        }
    }
    detail::installFfmpegLogBridge();
    CaptureDevice screen;
    screen.kind = "screen";
    const auto size = detail::probeScreen(display);
    if (size) {
        const char* environment = std::getenv("DISPLAY"); // NOLINT(concurrency-mt-unsafe)
        screen.id = display.empty() && environment != nullptr ? environment : display;
        screen.name = "X11 screen " + screen.id;
        screen.width = size->first;
        screen.height = size->second;
        screen.isDefault = true;
    } else {
        screen.id = display;
        screen.error = size.error().describe();
    }
    const bool screenWorks = screen.error.empty();
    devices.push_back(std::move(screen));
    if (screenWorks) {
        auto monitors = listScreenMonitors(display);
        for (const ScreenMonitor& monitor : monitors ? *monitors : std::vector<ScreenMonitor>{}) {
            CaptureDevice device;
            device.kind = "monitor";
            device.id = monitor.name;
            device.name = "monitor " + monitor.name;
            device.isDefault = monitor.primary;
            device.x = monitor.area.x;
            device.y = monitor.area.y;
            device.width = monitor.area.width;
            device.height = monitor.area.height;
            devices.push_back(std::move(device));
        }
    }
    return devices;
}

} // namespace hoststudio::media
