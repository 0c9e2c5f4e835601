// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the private secrets file (secrets.json, mode 0600) as found on disk, damaged or
// written by another program, read through core::SecretStore's file backend.
// Properties: opening and reading never crash; a damaged file is an error, never a partial read;
// every name listed can be read.

#include "../FuzzSupport.hpp"
#include "DropLog.hpp"

#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/SecretStore.hpp"

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

using namespace hoststudio::core;

using hoststudio::fuzz::failProperty;

using hoststudio::fuzz::formatAndDrop;

QTemporaryDir& scratch()
{
    static QTemporaryDir directory; // created with mode 0700, as the store wants
    if (!directory.isValid()) {
        failProperty("no temporary directory for the secrets file");
    }
    return directory;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/)
{
    qInstallMessageHandler(formatAndDrop);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QString path = scratch().filePath(QStringLiteral("secrets.json"));
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            failProperty("cannot write the secrets file");
        }
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        file.write(reinterpret_cast<const char*>(data), static_cast<qint64>(size));
    }
    SecretStoreOptions options;
    options.choice = SecretBackendChoice::file;
    options.filePath = path;
    auto store = SecretStore::open(options);
    if (!store) {
        (void)store.error().describe();
        return 0;
    }
    auto names = store->names();
    if (!names) {
        (void)names.error().describe();
        return 0;
    }
    for (const std::string& name : *names) {
        auto value = store->read(name);
        if (!value) {
            failProperty("a name the store lists cannot be read");
        }
    }
    SecretScrubber::forgetAll();
    return 0;
}
