// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/core/SecretStoreBackend.hpp"

#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/SecretStore.hpp"

#include <QCoreApplication>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>
#include <QTimer>

#include <qt6keychain/keychain.h>

#include <algorithm>
#include <memory>
#include <utility>

namespace hoststudio::core {

namespace {

// The entry that lists the names the backend holds (the Secret Service has no listing for us).
const QString kIndexKey = QStringLiteral(".names"); // NOLINT(cert-err58-cpp): a literal, cannot throw

struct JobOutcome {
    bool finished = false;
    QKeychain::Error error = QKeychain::NoError;
    QString errorString;
    QString text; // read jobs only
};

// Runs `job` (which deletes itself once finished) in a local event loop, at most `timeout`.
Result<JobOutcome> runJob(QKeychain::Job* job, std::chrono::milliseconds timeout, std::string_view what)
{
    QCoreApplication* application = QCoreApplication::instance();
    if (application == nullptr || QThread::currentThread() != application->thread()) {
        delete job;
        return {SecretErrc::keyringFailed,
                "the keyring can only be used from the application's main thread (" + std::string(what) + ")"};
    }
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    auto outcome = std::make_shared<JobOutcome>();
    QEventLoop loop;
    QObject::connect(job, &QKeychain::Job::finished, &loop, [outcome, &loop](QKeychain::Job* finishedJob) {
        outcome->finished = true;
        outcome->error = finishedJob->error();
        outcome->errorString = finishedJob->errorString();
        if (auto* readJob = qobject_cast<QKeychain::ReadPasswordJob*>(finishedJob); readJob != nullptr) {
            outcome->text = readJob->textData();
        }
        loop.quit();
    });
    QTimer::singleShot(timeout, &loop, &QEventLoop::quit);
    job->start();
    if (!outcome->finished) {
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    }
    if (!outcome->finished) {
        // The job still deletes itself when (if) it finishes; its signal no longer reaches us.
        return {SecretErrc::timedOut, "the keyring did not answer within " + std::to_string(timeout.count() / 1000) +
                                          " s (" + std::string(what) +
                                          "): unlock it if the desktop asks, or set secrets/backend to file"};
    }
    JobOutcome result = *outcome;
    outcome->text.fill(QChar(u'\0'));
    return result;
}

Error keyringError(const JobOutcome& outcome, std::string_view what)
{
    const std::string context = std::string(what) + ": " + outcome.errorString.toStdString();
    switch (outcome.error) {
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return {SecretErrc::backendUnavailable,
                context + " (no usable keyring: start one, e.g. gnome-keyring, or set secrets/backend to file)"};
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return {SecretErrc::keyringFailed, context + " (the keyring refused: unlock it and try again)"};
    default: return {SecretErrc::keyringFailed, context};
    }
}

std::string describeJob(std::string_view verb, std::string_view name)
{
    return std::string(verb) + " " + std::string(name);
}

} // namespace

SecretServiceProbe probeSecretService(std::chrono::milliseconds timeout)
{
    // Without an address libdbus would try to autolaunch a bus daemon of its own (which would then
    // outlive us); only the well-known per-user socket counts as "a session bus is there".
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {
        const QString runtimeDirectory = qEnvironmentVariable("XDG_RUNTIME_DIR");
        if (runtimeDirectory.isEmpty() || !QFileInfo(runtimeDirectory + QStringLiteral("/bus")).exists()) {
            return {false, "no D-Bus session bus is running (DBUS_SESSION_BUS_ADDRESS is not set and there is no "
                           "$XDG_RUNTIME_DIR/bus), so no Secret Service can answer"};
        }
    }
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        const QString why = bus.lastError().message();
        return {false, "no D-Bus session bus is reachable" +
                           (why.isEmpty() ? std::string() : " (" + why.toStdString() + ")") +
                           ", so no Secret Service can answer"};
    }
    QDBusMessage call = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.secrets"), QStringLiteral("/org/freedesktop/secrets"),
        QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"));
    call << QStringLiteral("org.freedesktop.Secret.Service") << QStringLiteral("Collections");
    const QDBusMessage reply = bus.call(call, QDBus::Block, static_cast<int>(timeout.count()));
    if (reply.type() == QDBusMessage::ReplyMessage) {
        return {true, "a Secret Service (org.freedesktop.secrets) answered on the D-Bus session bus"};
    }
    return {false, "no Secret Service answered on the D-Bus session bus within " + std::to_string(timeout.count()) +
                       " ms (" + reply.errorName().toStdString() + ": " + reply.errorMessage().toStdString() + ")"};
}

KeyringSecretBackend::KeyringSecretBackend(QString service, std::chrono::milliseconds timeout)
    : service_(std::move(service)), timeout_(timeout)
{}

QString KeyringSecretBackend::location() const
{
    return QStringLiteral("Secret Service, service ") + service_;
}

Result<std::optional<std::string>> KeyringSecretBackend::read(std::string_view name)
{
    auto* job = new QKeychain::ReadPasswordJob(service_);
    job->setKey(QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size())));
    auto outcome = runJob(job, timeout_, describeJob("reading", name));
    if (!outcome) {
        return outcome.error();
    }
    if (outcome->error == QKeychain::EntryNotFound) {
        return std::optional<std::string>{};
    }
    if (outcome->error != QKeychain::NoError) {
        return keyringError(outcome.value(), describeJob("reading", name));
    }
    std::string value = outcome->text.toStdString();
    outcome->text.fill(QChar(u'\0'));
    SecretScrubber::registerSecret(value);
    return std::optional<std::string>{std::move(value)};
}

Status KeyringSecretBackend::write(std::string_view name, std::string_view value)
{
    auto* job = new QKeychain::WritePasswordJob(service_);
    job->setKey(QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size())));
    QString text = QString::fromUtf8(value.data(), static_cast<qsizetype>(value.size()));
    job->setTextData(text);
    text.fill(QChar(u'\0'));
    auto outcome = runJob(job, timeout_, describeJob("writing", name));
    if (!outcome) {
        return outcome.error();
    }
    if (outcome->error != QKeychain::NoError) {
        return keyringError(outcome.value(), describeJob("writing", name));
    }
    return updateIndex(name, true);
}

Result<bool> KeyringSecretBackend::remove(std::string_view name)
{
    // The Secret Service does not say whether a delete found anything: look first.
    auto existing = read(name);
    if (!existing) {
        return existing.error();
    }
    const bool existed = existing->has_value();
    if (existed) {
        wipeSecret(**existing);
        auto* job = new QKeychain::DeletePasswordJob(service_);
        job->setKey(QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size())));
        auto outcome = runJob(job, timeout_, describeJob("deleting", name));
        if (!outcome) {
            return outcome.error();
        }
        if (outcome->error != QKeychain::NoError && outcome->error != QKeychain::EntryNotFound) {
            return keyringError(outcome.value(), describeJob("deleting", name));
        }
    }
    if (Status index = updateIndex(name, false); !index) {
        return index.error();
    }
    return existed;
}

Result<std::vector<std::string>> KeyringSecretBackend::names()
{
    auto* job = new QKeychain::ReadPasswordJob(service_);
    job->setKey(kIndexKey);
    auto outcome = runJob(job, timeout_, "reading the list of names");
    if (!outcome) {
        return outcome.error();
    }
    std::vector<std::string> result;
    if (outcome->error == QKeychain::EntryNotFound) {
        return result;
    }
    if (outcome->error != QKeychain::NoError) {
        return keyringError(outcome.value(), "reading the list of names");
    }
    const QJsonDocument document = QJsonDocument::fromJson(outcome->text.toUtf8());
    for (const auto& entry : document.array()) {
        const std::string name = entry.toString().toStdString();
        if (isValidSecretName(name)) {
            result.push_back(name);
        }
    }
    std::sort(result.begin(), result.end());
    result.erase(std::unique(result.begin(), result.end()), result.end());
    return result;
}

Status KeyringSecretBackend::updateIndex(std::string_view name, bool present)
{
    auto current = names();
    if (!current) {
        return current.error();
    }
    std::vector<std::string> list = std::move(current).value();
    const auto found = std::find(list.begin(), list.end(), name);
    if (present == (found != list.end())) {
        return {};
    }
    if (present) {
        list.emplace_back(name);
    } else {
        list.erase(found);
    }
    QJsonArray array;
    for (const std::string& entry : list) {
        array.append(QString::fromStdString(entry));
    }
    auto* job = new QKeychain::WritePasswordJob(service_);
    job->setKey(kIndexKey);
    job->setTextData(QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact)));
    auto outcome = runJob(job, timeout_, "updating the list of names");
    if (!outcome) {
        return outcome.error();
    }
    if (outcome->error != QKeychain::NoError) {
        return keyringError(outcome.value(), "updating the list of names");
    }
    return {};
}

} // namespace hoststudio::core
