// SPDX-License-Identifier: GPL-2.0-or-later
// `hoststudio devices [--display :N]`: the capture devices the studio can use, one JSON line each:
//   {"kind":"camera","id":…,"name":…,"default":true}
//   {"kind":"microphone","id":…,"name":…,"default":false}
//   {"kind":"screen","id":":0","name":"X11 screen :0","width":1920,"height":1080,"default":true}
//   {"kind":"monitor","id":"HDMI-1","name":"monitor HDMI-1","x":1920,"y":0,"width":1920,"height":1080,
//    "default":false}   (its part of the screen, for --screen-monitor; "default": the primary one)
// A screen that cannot be captured (no DISPLAY, Wayland without XWayland) is listed with an
// "error" saying why. Cameras and microphones come from Qt Multimedia, the screen from x11grab,
// its monitors from RandR.
// Exit status 0, or 2 on a usage error.
#include "hoststudio/app/Verb.hpp"
#include "hoststudio/media/Sources.hpp"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace hoststudio::app {

int runDevicesVerb(VerbContext& context)
{
    const QStringList& arguments = context.invocation.verbArguments;
    std::string display;
    for (qsizetype index = 0; index < arguments.size(); ++index) {
        if (arguments[index] == QLatin1String("--display") && index + 1 < arguments.size()) {
            display = arguments[++index].toStdString();
        } else {
            context.err << "devices: unknown option " << arguments[index] << " (usage: devices [--display :N])"
                        << Qt::endl;
            return kExitUsage;
        }
    }
    for (const media::CaptureDevice& device : media::listCaptureDevices(display)) {
        QJsonObject line{
            {QStringLiteral("kind"), QString::fromStdString(device.kind)},
            {QStringLiteral("id"), QString::fromStdString(device.id)},
            {QStringLiteral("name"), QString::fromStdString(device.name)},
            {QStringLiteral("default"), device.isDefault},
        };
        if (device.kind == "monitor") {
            line.insert(QStringLiteral("x"), device.x);
            line.insert(QStringLiteral("y"), device.y);
        }
        if ((device.kind == "screen" || device.kind == "monitor") && device.error.empty()) {
            line.insert(QStringLiteral("width"), device.width);
            line.insert(QStringLiteral("height"), device.height);
        }
        if (!device.error.empty()) {
            line.insert(QStringLiteral("error"), QString::fromStdString(device.error));
        }
        context.out << QJsonDocument(line).toJson(QJsonDocument::Compact) << Qt::endl;
    }
    return kExitOk;
}

} // namespace hoststudio::app
