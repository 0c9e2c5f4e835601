// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A small history graph of the stream's health: the bitrate (filled, scaled to its own maximum)
// and the frame rate (a line, scaled to at least 30 fps) over the last two minutes, one sample a
// second. Its tooltip and accessible description carry the numbers.
//
// Owner: the Qt main thread.

#include <QWidget>

#include <deque>

namespace hoststudio::ui {

class HealthGraph : public QWidget {
    Q_OBJECT
public:
    static constexpr std::size_t kSamples = 120;

    explicit HealthGraph(QWidget* parent = nullptr);

    void addSample(double bitrateKbps, double fps);
    void clear();
    [[nodiscard]] std::size_t sampleCount() const noexcept { return bitrate_.size(); }
    [[nodiscard]] double peakBitrateKbps() const noexcept;

    [[nodiscard]] QSize sizeHint() const override { return {140, 26}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::deque<double> bitrate_;
    std::deque<double> fps_;
};

} // namespace hoststudio::ui
