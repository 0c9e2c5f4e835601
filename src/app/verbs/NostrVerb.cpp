// SPDX-License-Identifier: GPL-2.0-or-later
// `hoststudio nostr …`: the host's Nostr key, NIP-19 entities and signed events from the command
// line. JSON lines on stdout, sentences on stderr; exit 0 success, 1 failure, 2 usage error.
// The secret key is read from the sources in NostrKeySource.hpp and printed only on --show-secret.
#include "hoststudio/app/NostrKeySource.hpp"
#include "hoststudio/app/Verb.hpp"
#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/nostr/Event.hpp"
#include "hoststudio/nostr/Hex.hpp"
#include "hoststudio/nostr/JsonText.hpp"
#include "hoststudio/nostr/Keys.hpp"
#include "hoststudio/nostr/Nip19.hpp"
#include "hoststudio/nostr/RelayPool.hpp"

#include <openssl/crypto.h>

#include <QDateTime>
#include <QTextStream>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace hoststudio::app {

namespace {

using OrderedJson = nlohmann::ordered_json;

// The usage of every sub-command, printed by `hoststudio nostr --help` and after usage errors.
QString nostrUsageText()
{
    return QStringLiteral(
               "Usage: hoststudio nostr COMMAND [ARGS...]\n"
               "\n"
               "  keygen [--save [--key-file PATH] [--force]] [--show-secret]\n"
               "      make a new secret key; --save writes it to the key file (mode 0600)\n"
               "  pubkey [--key-file PATH] [--show-secret]\n"
               "      the npub and hex public key of the configured secret key\n"
               "  decode BECH32 [--show-secret]\n"
               "      the fields of an npub, nsec, note, nprofile, nevent or naddr\n"
               "  encode npub HEX | note HEX | nprofile HEX [--relay URL]...\n"
               "  encode nevent ID [--relay URL]... [--author HEX] [--kind N]\n"
               "  encode naddr --kind N --author HEX --identifier D [--relay URL]...\n"
               "      a NIP-19 entity from its fields\n"
               "  sign [--key-file PATH]\n"
               "      an event template on stdin ({\"kind\":1,\"tags\":[],\"content\":\"…\"}, optional created_at)\n"
               "      -> the signed event as one JSON line\n"
               "  verify\n"
               "      events as JSON lines on stdin -> {\"id\":…,\"valid\":…,\"reason\":…} per line\n"
               "  publish --relay URL...\n"
               "      not available yet (needs the relay pool)\n"
               "\n"
               "The secret key comes from, first match wins:\n"
               "  1. --key-file PATH   a file holding an nsec or 64 hex digits (chmod 600)\n"
               "  2. HOSTSTUDIO_NOSTR_KEY   an environment variable holding an nsec or 64 hex digits\n"
               "  3. %1   the default key file, written by 'hoststudio nostr keygen --save'\n"
               "It is never printed unless --show-secret is given.\n"
               "\n"
               "Exit status: 0 success, 1 failure (invalid input, invalid event, no key), 2 usage error.\n")
        .arg(defaultNostrKeyFilePath());
}

// ---------------------------------------------------------------------------------------------
// Arguments

enum OptionFlag : unsigned {
    optionKeyFile = 1U << 0U,
    optionRelay = 1U << 1U,
    optionAuthor = 1U << 2U,
    optionKind = 1U << 3U,
    optionIdentifier = 1U << 4U,
    optionSave = 1U << 5U,
    optionForce = 1U << 6U,
    optionShowSecret = 1U << 7U,
};

struct Options {
    QStringList positionals;
    std::optional<QString> keyFile;
    std::optional<QString> author;
    std::optional<QString> kind;
    std::optional<QString> identifier;
    QStringList relays;
    bool save = false;
    bool force = false;
    bool showSecret = false;
};

struct OptionSpec {
    const char* name;
    unsigned flag;
    bool takesValue;
};

constexpr OptionSpec kOptionSpecs[] = {
    {"--key-file", optionKeyFile, true},      {"--relay", optionRelay, true},
    {"--author", optionAuthor, true},         {"--kind", optionKind, true},
    {"--identifier", optionIdentifier, true}, {"--save", optionSave, false},
    {"--force", optionForce, false},          {"--show-secret", optionShowSecret, false},
};

// Parses `arguments` (after the sub-command); returns the usage error, if any.
std::optional<QString> parseOptions(const QStringList& arguments, unsigned allowed, Options& options)
{
    bool optionsEnded = false;
    for (qsizetype index = 0; index < arguments.size(); ++index) {
        const QString& argument = arguments.at(index);
        if (optionsEnded || !argument.startsWith(QLatin1String("--")) || argument.size() == 2) {
            if (!optionsEnded && argument == QLatin1String("--")) {
                optionsEnded = true;
                continue;
            }
            options.positionals.append(argument);
            continue;
        }
        const qsizetype equals = argument.indexOf(QLatin1Char('='));
        const QString name = equals < 0 ? argument : argument.left(equals);
        const OptionSpec* spec = nullptr;
        for (const OptionSpec& candidate : kOptionSpecs) {
            if (name == QLatin1String(candidate.name)) {
                spec = &candidate;
            }
        }
        if (spec == nullptr || (allowed & spec->flag) == 0) {
            return QStringLiteral("unknown option '%1' for this command").arg(name);
        }
        if (!spec->takesValue) {
            if (equals >= 0) {
                return QStringLiteral("%1 takes no value").arg(name);
            }
            if (spec->flag == optionSave) {
                options.save = true;
            } else if (spec->flag == optionForce) {
                options.force = true;
            } else {
                options.showSecret = true;
            }
            continue;
        }
        QString value;
        if (equals >= 0) {
            value = argument.mid(equals + 1);
        } else {
            if (index + 1 >= arguments.size()) {
                return QStringLiteral("%1 needs a value").arg(name);
            }
            value = arguments.at(++index);
        }
        if (spec->flag == optionRelay) {
            options.relays.append(value);
            continue;
        }
        std::optional<QString>* slot = nullptr;
        switch (spec->flag) {
        case optionKeyFile: slot = &options.keyFile; break;
        case optionAuthor: slot = &options.author; break;
        case optionKind: slot = &options.kind; break;
        default: slot = &options.identifier; break;
        }
        if (slot->has_value()) {
            return QStringLiteral("%1 is given twice").arg(name);
        }
        *slot = value;
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Output

void printJson(VerbContext& context, const OrderedJson& value)
{
    // Replace, never throw: every string we print was validated, but a stray byte must not abort.
    context.out << QString::fromStdString(value.dump(-1, ' ', false, OrderedJson::error_handler_t::replace))
                << Qt::endl;
}

// `line` plus one field holding a secret (--show-secret); every std::string copy of the secret
// made here is wiped once printed.
void printJsonWithSecret(VerbContext& context, OrderedJson line, const char* key, const nostr::SecretString& secret)
{
    line[key] = std::string(secret.view());
    std::string text = line.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
    auto& copy = line[key].get_ref<std::string&>();
    OPENSSL_cleanse(copy.data(), copy.size());
    context.out << QString::fromStdString(text) << Qt::endl;
    OPENSSL_cleanse(text.data(), text.size());
}

int fail(VerbContext& context, const QString& message)
{
    context.err << "hoststudio nostr: " << message << Qt::endl;
    return kExitFailure;
}

int fail(VerbContext& context, const std::string& message)
{
    return fail(context, QString::fromStdString(message));
}

int usageError(VerbContext& context, const QString& message, const QString& synopsis)
{
    context.err << "hoststudio nostr: " << message << "\nUsage: hoststudio nostr " << synopsis
                << "\n(see hoststudio nostr --help)" << Qt::endl;
    return kExitUsage;
}

// "invalid event: id mismatch: …" — the reason without the category prefix.
std::string reasonOf(const core::Error& error)
{
    std::string reason = error.code().message();
    if (!error.detail().empty()) {
        reason += ": " + error.detail();
    }
    return reason;
}

std::string readStandardInput()
{
    std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    return text;
}

std::string_view trimmedView(std::string_view text)
{
    constexpr std::string_view spaces = " \t\r\n\v\f";
    const auto first = text.find_first_not_of(spaces);
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(spaces);
    return text.substr(first, last - first + 1);
}

// ---------------------------------------------------------------------------------------------
// Keys

core::Result<LoadedNostrKey> loadConfiguredKey(const Options& options)
{
    return loadNostrKey(nostrKeySourcesFromEnvironment(options.keyFile.value_or(QString())));
}

void registerKeySecrets(const nostr::SecretKey& secretKey)
{
    core::SecretScrubber::registerSecret(secretKey.toNsec().view());
    core::SecretScrubber::registerSecret(secretKey.toHex().view());
}

int runKeygen(VerbContext& context, const QStringList& arguments)
{
    const QString synopsis = QStringLiteral("keygen [--save [--key-file PATH] [--force]] [--show-secret]");
    Options options;
    if (auto error = parseOptions(arguments, optionSave | optionForce | optionShowSecret | optionKeyFile, options)) {
        return usageError(context, *error, synopsis);
    }
    if (!options.positionals.isEmpty()) {
        return usageError(context, QStringLiteral("keygen takes no argument '%1'").arg(options.positionals.first()),
                          synopsis);
    }
    if (options.force && !options.save) {
        return usageError(context, QStringLiteral("--force only makes sense with --save"), synopsis);
    }
    if (options.keyFile.has_value() && !options.save) {
        return usageError(context, QStringLiteral("--key-file names where --save writes; add --save"), synopsis);
    }
    if (options.keyFile.has_value() && options.keyFile->isEmpty()) {
        return usageError(context, QStringLiteral("--key-file needs a path"), synopsis);
    }
    auto secretKey = nostr::SecretKey::generate();
    if (!secretKey) {
        return fail(context, "could not generate a key: " + secretKey.error().describe());
    }
    registerKeySecrets(secretKey.value());
    auto publicKey = secretKey->publicKey();
    if (!publicKey) {
        return fail(context, "could not derive the public key: " + publicKey.error().describe());
    }
    if (options.save) {
        const QString path = options.keyFile.value_or(defaultNostrKeyFilePath());
        if (const core::Status saved = saveNostrKeyFile(path, secretKey.value(), options.force); !saved.ok()) {
            return fail(context, saved.error().detail());
        }
        context.err << "hoststudio nostr: saved the new secret key to " << path << " (mode 0600)" << Qt::endl;
    } else if (!options.showSecret) {
        context.err << "hoststudio nostr: the new secret key was not kept; add --save to store it in the key file "
                       "or --show-secret to print it"
                    << Qt::endl;
    }
    OrderedJson line{{"npub", publicKey->toNpub()}, {"pubkey", publicKey->toHex()}};
    if (options.showSecret) {
        printJsonWithSecret(context, std::move(line), "nsec", secretKey->toNsec());
    } else {
        printJson(context, line);
    }
    return kExitOk;
}

int runPubkey(VerbContext& context, const QStringList& arguments)
{
    const QString synopsis = QStringLiteral("pubkey [--key-file PATH] [--show-secret]");
    Options options;
    if (auto error = parseOptions(arguments, optionKeyFile | optionShowSecret, options)) {
        return usageError(context, *error, synopsis);
    }
    if (!options.positionals.isEmpty()) {
        return usageError(context, QStringLiteral("pubkey takes no argument '%1'").arg(options.positionals.first()),
                          synopsis);
    }
    auto loaded = loadConfiguredKey(options);
    if (!loaded) {
        return fail(context, loaded.error().detail());
    }
    registerKeySecrets(loaded->secretKey);
    auto publicKey = loaded->secretKey.publicKey();
    if (!publicKey) {
        return fail(context, "could not derive the public key: " + publicKey.error().describe());
    }
    OrderedJson line{{"npub", publicKey->toNpub()},
                     {"pubkey", publicKey->toHex()},
                     {"source", nostrKeyOriginName(loaded->origin).toStdString()}};
    if (options.showSecret) {
        printJsonWithSecret(context, std::move(line), "nsec", loaded->secretKey.toNsec());
    } else {
        printJson(context, line);
    }
    return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// NIP-19

std::string hexOf(const nostr::Bytes32& bytes)
{
    return nostr::toHex(bytes);
}

OrderedJson relaysJson(const std::vector<std::string>& relays)
{
    OrderedJson array = OrderedJson::array();
    for (const std::string& relay : relays) {
        array.push_back(relay);
    }
    return array;
}

int runDecode(VerbContext& context, const QStringList& arguments)
{
    const QString synopsis = QStringLiteral("decode BECH32 [--show-secret]");
    Options options;
    if (auto error = parseOptions(arguments, optionShowSecret, options)) {
        return usageError(context, *error, synopsis);
    }
    if (options.positionals.size() != 1) {
        return usageError(context, QStringLiteral("decode needs exactly one bech32 text, e.g. npub1…"), synopsis);
    }
    std::string text = options.positionals.first().trimmed().toStdString();
    if (text.rfind("nostr:", 0) == 0) { // NIP-21 URI
        text.erase(0, 6);
    }
    if (text.rfind("nsec1", 0) == 0) {
        core::SecretScrubber::registerSecret(text);
    }
    auto decoded = nostr::decodeNip19(text);
    if (!decoded) {
        return fail(context, "cannot decode '" +
                                 core::SecretScrubber::scrub(QString::fromStdString(text)).toStdString() +
                                 "': " + reasonOf(decoded.error()));
    }
    OrderedJson line{{"type", std::string(nostr::humanReadablePartOf(decoded.value()))}};
    nostr::SecretString secretHex; // --show-secret of an nsec
    bool ok = true;
    std::visit(
        [&](const auto& entity) {
            using Entity = std::decay_t<decltype(entity)>;
            if constexpr (std::is_same_v<Entity, nostr::NpubEntity>) {
                line["pubkey"] = hexOf(entity.publicKey);
            } else if constexpr (std::is_same_v<Entity, nostr::NsecEntity>) {
                auto secretKey = nostr::SecretKey::fromBytes(entity.secretKey);
                auto publicKey = secretKey ? secretKey->publicKey() : core::Result<nostr::PublicKey>(secretKey.error());
                if (!publicKey) {
                    ok = false;
                    context.err << "hoststudio nostr: the nsec is not a valid secret key: "
                                << QString::fromStdString(reasonOf(publicKey.error())) << Qt::endl;
                    return;
                }
                registerKeySecrets(secretKey.value());
                line["pubkey"] = publicKey->toHex();
                line["npub"] = publicKey->toNpub();
                if (options.showSecret) {
                    secretHex = secretKey->toHex(); // printed last, by printJsonWithSecret
                }
            } else if constexpr (std::is_same_v<Entity, nostr::NoteEntity>) {
                line["id"] = hexOf(entity.eventId);
            } else if constexpr (std::is_same_v<Entity, nostr::NprofileEntity>) {
                line["pubkey"] = hexOf(entity.publicKey);
                line["relays"] = relaysJson(entity.relays);
            } else if constexpr (std::is_same_v<Entity, nostr::NeventEntity>) {
                line["id"] = hexOf(entity.eventId);
                line["relays"] = relaysJson(entity.relays);
                line["author"] = entity.author ? OrderedJson(hexOf(*entity.author)) : OrderedJson(nullptr);
                line["kind"] = entity.kind ? OrderedJson(*entity.kind) : OrderedJson(nullptr);
            } else {
                line["kind"] = entity.kind;
                line["author"] = hexOf(entity.author);
                line["identifier"] = entity.identifier;
                line["relays"] = relaysJson(entity.relays);
                line["coordinate"] = std::to_string(entity.kind) + ":" + hexOf(entity.author) + ":" + entity.identifier;
            }
        },
        decoded.value());
    if (!ok) {
        return kExitFailure;
    }
    if (!secretHex.empty()) {
        printJsonWithSecret(context, std::move(line), "seckey", secretHex);
    } else {
        printJson(context, line);
    }
    return kExitOk;
}

bool isRelayUrl(const QString& url)
{
    const QString lower = url.toLower();
    for (const QLatin1String scheme : {QLatin1String("ws://"), QLatin1String("wss://")}) {
        if (lower.startsWith(scheme) && url.size() > scheme.size() && !url.contains(QLatin1Char(' '))) {
            return true;
        }
    }
    return false;
}

int runEncode(VerbContext& context, const QStringList& arguments)
{
    const QString synopsis =
        QStringLiteral("encode npub HEX | note HEX | nprofile HEX [--relay URL]... | nevent ID [--relay URL]... "
                       "[--author HEX] [--kind N] | naddr --kind N --author HEX --identifier D [--relay URL]...");
    if (arguments.isEmpty()) {
        return usageError(context, QStringLiteral("encode needs a type: npub, note, nprofile, nevent or naddr"),
                          synopsis);
    }
    const QString& type = arguments.first();
    const QStringList rest = arguments.mid(1);
    unsigned allowed = 0;
    qsizetype positionalCount = 1;
    if (type == QLatin1String("npub") || type == QLatin1String("note")) {
        allowed = 0;
    } else if (type == QLatin1String("nprofile")) {
        allowed = optionRelay;
    } else if (type == QLatin1String("nevent")) {
        allowed = optionRelay | optionAuthor | optionKind;
    } else if (type == QLatin1String("naddr")) {
        allowed = optionRelay | optionAuthor | optionKind | optionIdentifier;
        positionalCount = 0;
    } else if (type == QLatin1String("nsec")) {
        return usageError(context,
                          QStringLiteral("encode does not take secret keys on the command line (other users can see "
                                         "arguments); use 'hoststudio nostr pubkey --show-secret' instead"),
                          synopsis);
    } else {
        return usageError(context, QStringLiteral("unknown entity type '%1'").arg(type), synopsis);
    }
    Options options;
    if (auto error = parseOptions(rest, allowed, options)) {
        return usageError(context, *error, synopsis);
    }
    if (options.positionals.size() != positionalCount) {
        return usageError(
            context,
            positionalCount == 0
                ? QStringLiteral("naddr takes its fields as options, not '%1'").arg(options.positionals.value(0))
                : QStringLiteral("encode %1 needs exactly one 64-digit hex value").arg(type),
            synopsis);
    }
    for (const QString& relay : options.relays) {
        if (!isRelayUrl(relay)) {
            return usageError(context, QStringLiteral("--relay needs a ws:// or wss:// URL, not '%1'").arg(relay),
                              synopsis);
        }
    }
    std::optional<std::uint32_t> kind;
    if (options.kind.has_value()) {
        bool isNumber = false;
        const uint value = options.kind->toUInt(&isNumber, 10);
        if (!isNumber || options.kind->startsWith(QLatin1Char('+'))) {
            return usageError(context,
                              QStringLiteral("--kind needs a number from 0 to 4294967295, e.g. --kind 30311, not '%1'")
                                  .arg(*options.kind),
                              synopsis);
        }
        kind = static_cast<std::uint32_t>(value);
    }
    std::optional<nostr::Bytes32> author;
    if (options.author.has_value()) {
        auto publicKey = nostr::PublicKey::fromHex(options.author->toStdString());
        if (!publicKey) {
            return fail(context, "--author is not a public key: " + reasonOf(publicKey.error()));
        }
        author = publicKey->bytes();
    }
    std::vector<std::string> relays;
    for (const QString& relay : options.relays) {
        relays.push_back(relay.toStdString());
    }

    nostr::Nip19Entity entity;
    if (type == QLatin1String("naddr")) {
        if (!kind || !author || !options.identifier.has_value()) {
            return usageError(context, QStringLiteral("naddr needs --kind, --author and --identifier"), synopsis);
        }
        nostr::NaddrEntity naddr;
        naddr.identifier = options.identifier->toStdString();
        naddr.author = *author;
        naddr.kind = *kind;
        naddr.relays = std::move(relays);
        entity = std::move(naddr);
    } else {
        const std::string hex = options.positionals.first().toStdString();
        if (type == QLatin1String("npub") || type == QLatin1String("nprofile")) {
            auto publicKey = nostr::PublicKey::fromHex(hex);
            if (!publicKey) {
                return fail(context, "not a public key: " + reasonOf(publicKey.error()));
            }
            if (type == QLatin1String("npub")) {
                entity = nostr::NpubEntity{publicKey->bytes()};
            } else {
                entity = nostr::NprofileEntity{publicKey->bytes(), std::move(relays)};
            }
        } else {
            auto id = nostr::fromHexFixed<32>(hex);
            if (!id) {
                return fail(context, "not an event id (64 hex digits): " + reasonOf(id.error()));
            }
            if (type == QLatin1String("note")) {
                entity = nostr::NoteEntity{id.value()};
            } else {
                entity = nostr::NeventEntity{id.value(), std::move(relays), author, kind};
            }
        }
    }
    auto encoded = nostr::encodeNip19(entity);
    if (!encoded) {
        return fail(context, "cannot encode: " + reasonOf(encoded.error()));
    }
    printJson(context, OrderedJson{{"bech32", encoded.value()}});
    return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// Events

// A template {"kind", "tags", "content", "created_at"} checked with the event parser's own rules.
core::Result<nostr::EventTemplate> templateFromJson(const nlohmann::json& value)
{
    if (!value.is_object()) {
        return core::Error{core::CoreErrc::invalidArgument, "the template is not a JSON object"};
    }
    for (const auto& [key, field] : value.items()) {
        (void)field;
        if (key != "kind" && key != "tags" && key != "content" && key != "created_at") {
            return core::Error{core::CoreErrc::invalidArgument,
                               "unexpected field \"" + key +
                                   "\" (a template has kind, tags, content and optionally created_at; id, pubkey "
                                   "and sig are computed)"};
        }
    }
    if (!value.contains("kind")) {
        return core::Error{core::CoreErrc::invalidArgument, "missing field \"kind\""};
    }
    nlohmann::json filled = value;
    if (!filled.contains("tags")) {
        filled["tags"] = nlohmann::json::array();
    }
    if (!filled.contains("content")) {
        filled["content"] = "";
    }
    if (!filled.contains("created_at")) {
        filled["created_at"] = QDateTime::currentSecsSinceEpoch();
    }
    filled["id"] = std::string(64, '0');
    filled["pubkey"] = std::string(64, '0');
    filled["sig"] = std::string(128, '0');
    auto event = nostr::eventFromJsonValue(filled);
    if (!event) {
        return event.error();
    }
    nostr::EventTemplate eventTemplate;
    eventTemplate.createdAtUnixSeconds = event->createdAtUnixSeconds;
    eventTemplate.kind = event->kind;
    eventTemplate.tags = std::move(event->tags);
    eventTemplate.content = std::move(event->content);
    return eventTemplate;
}

core::Result<nlohmann::json> parseJson(std::string_view text)
{
    return nostr::parseJsonText(text);
}

int runSign(VerbContext& context, const QStringList& arguments)
{
    const QString synopsis = QStringLiteral("sign [--key-file PATH] < template.json");
    Options options;
    if (auto error = parseOptions(arguments, optionKeyFile, options)) {
        return usageError(context, *error, synopsis);
    }
    if (!options.positionals.isEmpty()) {
        return usageError(context,
                          QStringLiteral("sign reads the template on stdin, not '%1'").arg(options.positionals.first()),
                          synopsis);
    }
    auto loaded = loadConfiguredKey(options);
    if (!loaded) {
        return fail(context, loaded.error().detail());
    }
    registerKeySecrets(loaded->secretKey);

    const std::string input = readStandardInput();
    const std::string_view body = trimmedView(input);
    if (body.empty()) {
        return fail(context,
                    QStringLiteral("no event template on stdin; pipe one in, e.g. echo "
                                   "'{\"kind\":1,\"tags\":[],\"content\":\"hello\"}' | hoststudio nostr sign"));
    }
    // One JSON object (possibly over several lines), else one template per line.
    std::vector<nostr::EventTemplate> templates;
    if (auto whole = parseJson(body); whole) {
        auto eventTemplate = templateFromJson(whole.value());
        if (!eventTemplate) {
            return fail(context, "invalid event template: " + reasonOf(eventTemplate.error()));
        }
        templates.push_back(std::move(eventTemplate).value());
    } else {
        std::size_t lineNumber = 0;
        std::size_t start = 0;
        while (start <= input.size()) {
            const std::size_t end = std::min(input.find('\n', start), input.size());
            ++lineNumber;
            const std::string_view line = trimmedView(std::string_view(input).substr(start, end - start));
            start = end + 1;
            if (line.empty()) {
                continue;
            }
            auto value = parseJson(line);
            if (!value) {
                return fail(context, "line " + std::to_string(lineNumber) +
                                         ": invalid event template: " + reasonOf(value.error()));
            }
            auto eventTemplate = templateFromJson(value.value());
            if (!eventTemplate) {
                return fail(context, "line " + std::to_string(lineNumber) +
                                         ": invalid event template: " + reasonOf(eventTemplate.error()));
            }
            templates.push_back(std::move(eventTemplate).value());
        }
    }
    for (const nostr::EventTemplate& eventTemplate : templates) {
        auto event = nostr::sign(eventTemplate, loaded->secretKey);
        if (!event) {
            return fail(context, "cannot sign: " + reasonOf(event.error()));
        }
        auto json = event->toJson();
        if (!json) {
            return fail(context, "cannot write the event: " + reasonOf(json.error()));
        }
        context.out << QString::fromStdString(json.value()) << Qt::endl;
    }
    return kExitOk;
}

int runVerify(VerbContext& context, const QStringList& arguments)
{
    const QString synopsis = QStringLiteral("verify < events.jsonl");
    Options options;
    if (auto error = parseOptions(arguments, 0, options)) {
        return usageError(context, *error, synopsis);
    }
    if (!options.positionals.isEmpty()) {
        return usageError(context,
                          QStringLiteral("verify reads events on stdin, not '%1'").arg(options.positionals.first()),
                          synopsis);
    }
    std::size_t count = 0;
    std::size_t invalid = 0;
    std::size_t lineNumber = 0;
    std::string line;
    while (std::getline(std::cin, line)) {
        ++lineNumber;
        const std::string_view text = trimmedView(line);
        if (text.empty()) {
            continue;
        }
        ++count;
        OrderedJson verdict{{"id", nullptr}, {"valid", false}, {"reason", nullptr}, {"line", lineNumber}};
        auto event = nostr::parseEvent(text);
        if (!event) {
            // Name the id when the text is JSON with a string id, so the host can find the event.
            if (auto value = parseJson(text); value && value->is_object()) {
                if (const auto id = value->find("id"); id != value->end() && id->is_string()) {
                    verdict["id"] = id->get<std::string>();
                }
            }
            verdict["reason"] = reasonOf(event.error());
        } else if (const core::Status status = nostr::verify(event.value()); !status.ok()) {
            verdict["id"] = event->id;
            verdict["reason"] = reasonOf(status.error());
        } else {
            verdict["id"] = event->id;
            verdict["valid"] = true;
        }
        if (!verdict["valid"].get<bool>()) {
            ++invalid;
        }
        printJson(context, verdict);
    }
    if (count == 0) {
        return fail(context, QStringLiteral("no event on stdin; pipe events in, one JSON object per line"));
    }
    if (invalid > 0) {
        context.err << "hoststudio nostr: " << invalid << " of " << count << " events are invalid" << Qt::endl;
        return kExitFailure;
    }
    return kExitOk;
}

int runPublish(VerbContext& context, const QStringList& arguments)
{
    const QString synopsis = QStringLiteral("publish --relay URL... < event.json");
    Options options;
    if (auto error = parseOptions(arguments, optionRelay | optionKeyFile, options)) {
        return usageError(context, *error, synopsis);
    }
    if (!options.positionals.isEmpty()) {
        return usageError(context,
                          QStringLiteral("publish reads the event on stdin, not '%1'").arg(options.positionals.first()),
                          synopsis);
    }
    if (options.relays.isEmpty()) {
        return usageError(context, QStringLiteral("publish needs at least one --relay wss://…"), synopsis);
    }
    for (const QString& relay : options.relays) {
        if (!isRelayUrl(relay)) {
            return usageError(context, QStringLiteral("--relay needs a ws:// or wss:// URL, not '%1'").arg(relay),
                              synopsis);
        }
    }
    const std::string input = readStandardInput();
    const std::string_view body = trimmedView(input);
    if (body.empty()) {
        return fail(context, QStringLiteral("no event on stdin; sign one first, e.g. echo "
                                            "'{\"kind\":1,\"tags\":[],\"content\":\"hi\"}' | hoststudio nostr sign | "
                                            "hoststudio nostr publish --relay wss://relay.example"));
    }
    auto event = nostr::parseEvent(body);
    if (!event) {
        return fail(context, "invalid event: " + reasonOf(event.error()) + ". Nothing was sent.");
    }
    if (const core::Status valid = nostr::verify(event.value()); !valid.ok()) {
        return fail(context, "the event does not verify: " + reasonOf(valid.error()) + ". Nothing was sent.");
    }

    // NIP-42: answer a relay's challenge with the configured key when one is configured.
    nostr::RelayPoolSettings poolSettings;
    poolSettings.webSocket.tls.extraCaFile = context.settings.text(core::setting::tlsExtraCaFile).toStdString();
    if (auto loaded = loadConfiguredKey(options)) {
        registerKeySecrets(loaded->secretKey);
        poolSettings.authKey = loaded->secretKey;
    } else if (options.keyFile) {
        return fail(context, loaded.error().detail() + ". Nothing was sent.");
    }
    std::vector<std::string> urls;
    for (const QString& relay : options.relays) {
        urls.push_back(relay.toStdString());
    }
    constexpr std::chrono::seconds kPublishTimeout{10};
    net::NetworkThread network;
    auto pool = nostr::RelayPool::create(network, urls, std::move(poolSettings));
    if (!pool) {
        return fail(context, "cannot reach the relays: " + reasonOf(pool.error()));
    }
    const std::vector<nostr::PublishOutcome> outcomes = pool.value()->publishAndWait(event.value(), kPublishTimeout);
    int accepted = 0;
    for (const nostr::PublishOutcome& outcome : outcomes) {
        OrderedJson line = {{"relay", outcome.relayUrl},
                            {"id", event->id},
                            {"outcome", std::string(nostr::toString(outcome.kind))},
                            {"accepted", outcome.succeeded()}};
        if (outcome.prefix != nostr::ReasonPrefix::none) {
            line["prefix"] = std::string(nostr::toString(outcome.prefix));
        }
        if (!outcome.reason.empty()) {
            line["reason"] = outcome.reason;
        }
        printJson(context, line);
        accepted += outcome.succeeded() ? 1 : 0;
    }
    pool.value().reset();
    network.stop();
    if (accepted == 0) {
        return fail(context, QStringLiteral("no relay accepted the event (see the outcome of each above)"));
    }
    context.err << "hoststudio nostr: accepted by " << accepted << " of " << outcomes.size() << " relays" << Qt::endl;
    return kExitOk;
}

} // namespace

int runNostrVerb(VerbContext& context)
{
    const QStringList& arguments = context.invocation.verbArguments;
    if (arguments.isEmpty()) {
        context.err << "hoststudio nostr: which command? keygen, pubkey, decode, encode, sign, verify or publish\n"
                    << nostrUsageText() << Qt::flush;
        return kExitUsage;
    }
    const QString command = arguments.first();
    const QStringList rest = arguments.mid(1);
    if (command == QLatin1String("--help") || command == QLatin1String("-h") || command == QLatin1String("help")) {
        context.out << nostrUsageText() << Qt::flush;
        return kExitOk;
    }
    if (rest.contains(QLatin1String("--help")) || rest.contains(QLatin1String("-h"))) {
        context.out << nostrUsageText() << Qt::flush;
        return kExitOk;
    }
    if (command == QLatin1String("keygen")) {
        return runKeygen(context, rest);
    }
    if (command == QLatin1String("pubkey")) {
        return runPubkey(context, rest);
    }
    if (command == QLatin1String("decode")) {
        return runDecode(context, rest);
    }
    if (command == QLatin1String("encode")) {
        return runEncode(context, rest);
    }
    if (command == QLatin1String("sign")) {
        return runSign(context, rest);
    }
    if (command == QLatin1String("verify")) {
        return runVerify(context, rest);
    }
    if (command == QLatin1String("publish")) {
        return runPublish(context, rest);
    }
    context.err << "hoststudio nostr: unknown command '" << command
                << "'; type one of: hoststudio nostr keygen|pubkey|decode|encode|sign|verify|publish "
                   "(see hoststudio nostr --help)"
                << Qt::endl;
    return kExitUsage;
}

} // namespace hoststudio::app
