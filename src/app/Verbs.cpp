// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/app/Verb.hpp"

#include <algorithm>

namespace hoststudio::app {

const std::vector<Verb>& verbs()
{
    static const std::vector<Verb> all{
        {QStringLiteral("status"), QStringLiteral("status"),
         QStringLiteral("print the configuration the studio would use"), &runStatusVerb},
        {QStringLiteral("live"),
         QStringLiteral("live [--title T] [--event D] [--provider custom|cloudinary|backend] [--record FILE] "
                        "[--duration S] [--source SRC] [--layout L] [--chat-stdin] … | "
                        "live --to rtmp://HOST/APP/KEY [--source SRC] [--layout L] …"),
         QStringLiteral("go live without a window: the whole session (ingest, channel, media, NIP-53 event) as "
                        "JSON lines; with --to, only the media to that URL (docs/streaming.md, docs/go-live.md)"),
         &runLiveVerb},
        {QStringLiteral("end"), QStringLiteral("end [--key-file PATH]"),
         QStringLiteral("end the running session, or what a crashed one left behind"), &runEndVerb},
        {QStringLiteral("recover"), QStringLiteral("recover [--key-file PATH]"),
         QStringLiteral("end what a crashed session left behind, from its journal, with the host's key that "
                        "announced it"),
         &runRecoverVerb},
        {QStringLiteral("doctor"), QStringLiteral("doctor [--json] [--key-file PATH] [--display :N]"),
         QStringLiteral("check what going live needs: backend, Cloudinary credentials, relays, RTMP ingest, "
                        "channel, Nostr key, secret store, devices, encoders, recording folder; one line each "
                        "(ok, warn or fail with what to do)"),
         &runDoctorVerb},
        {QStringLiteral("nostr"),
         QStringLiteral("nostr keygen|pubkey|decode|encode|sign|verify|publish [ARGS...] [--key-file PATH]"),
         QStringLiteral("Nostr keys, NIP-19 entities, signed events; the secret key comes from --key-file PATH, "
                        "else $HOSTSTUDIO_NOSTR_KEY, else ~/.config/HostStudio/nostr.key, else the secret nostr/nsec "
                        "(hoststudio nostr --help)"),
         &runNostrVerb},
        {QStringLiteral("ingest"), QStringLiteral("ingest list|create|show|activate|idle|delete [--name N] [--id ID]"),
         QStringLiteral("Cloudinary live streams of the configured account (hoststudio ingest --help)"),
         &runIngestVerb},
        {QStringLiteral("devices"), QStringLiteral("devices [--display :N]"),
         QStringLiteral("list cameras, microphones and screens as JSON lines"), &runDevicesVerb},
        {QStringLiteral("secret"), QStringLiteral("secret set|get|delete|list [NAME] [--reveal] [--backend B]"),
         QStringLiteral("secrets in the desktop keyring or the private secrets file; values from stdin, "
                        "printed only with --reveal (hoststudio secret --help)"),
         &runSecretVerb},
    };
    return all;
}

const Verb* findVerb(const QString& name)
{
    const auto& all = verbs();
    const auto found = std::find_if(all.begin(), all.end(), [&name](const Verb& verb) { return verb.name == name; });
    return found == all.end() ? nullptr : &*found;
}

} // namespace hoststudio::app
