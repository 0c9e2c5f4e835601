// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/ui/HealthGraph.hpp"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace hoststudio::ui {

HealthGraph::HealthGraph(QWidget* parent) : QWidget(parent)
{
    setMinimumSize(sizeHint());
    setToolTip(tr("Bitrate and frame rate over the last two minutes"));
}

void HealthGraph::addSample(double bitrateKbps, double fps)
{
    bitrate_.push_back(std::max(0.0, bitrateKbps));
    fps_.push_back(std::max(0.0, fps));
    while (bitrate_.size() > kSamples) {
        bitrate_.pop_front();
        fps_.pop_front();
    }
    const QString numbers = tr("Bitrate %1 kbps (peak %2), %3 fps")
                                .arg(bitrateKbps, 0, 'f', 0)
                                .arg(peakBitrateKbps(), 0, 'f', 0)
                                .arg(fps, 0, 'f', 1);
    setToolTip(numbers);
    setAccessibleDescription(numbers);
    update();
}

void HealthGraph::clear()
{
    bitrate_.clear();
    fps_.clear();
    update();
}

double HealthGraph::peakBitrateKbps() const noexcept
{
    return bitrate_.empty() ? 0.0 : *std::max_element(bitrate_.begin(), bitrate_.end());
}

void HealthGraph::paintEvent(QPaintEvent* /*event*/)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(1, 1, -1, -1);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.drawRect(area);
    if (bitrate_.size() < 2) {
        return;
    }
    const double step = area.width() / static_cast<double>(kSamples - 1);
    const double left = area.right() - step * static_cast<double>(bitrate_.size() - 1);
    const double peak = std::max(1.0, peakBitrateKbps());
    QPainterPath fill;
    fill.moveTo(left, area.bottom());
    for (std::size_t index = 0; index < bitrate_.size(); ++index) {
        fill.lineTo(left + step * static_cast<double>(index), area.bottom() - area.height() * bitrate_[index] / peak);
    }
    fill.lineTo(area.right(), area.bottom());
    fill.closeSubpath();
    QColor bitrateColour = palette().color(QPalette::Highlight);
    bitrateColour.setAlpha(110);
    painter.fillPath(fill, bitrateColour);

    const double fpsScale = std::max(30.0, *std::max_element(fps_.begin(), fps_.end()));
    QPainterPath line;
    for (std::size_t index = 0; index < fps_.size(); ++index) {
        const QPointF point(left + step * static_cast<double>(index),
                            area.bottom() - area.height() * fps_[index] / fpsScale);
        if (index == 0) {
            line.moveTo(point);
        } else {
            line.lineTo(point);
        }
    }
    painter.setPen(QPen(QColor(0x16, 0xa3, 0x4a), 1.5));
    painter.drawPath(line);
}

} // namespace hoststudio::ui
