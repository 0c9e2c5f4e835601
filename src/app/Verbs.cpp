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
         QStringLiteral("live --source testpattern --to rtmp://HOST/APP/KEY [--record FILE] [--duration S] "
                        "[--preset NAME] [--ca-file PEM]"),
         QStringLiteral("stream without a window, printing statistics as JSON lines"), &runLiveVerb},
        {QStringLiteral("nostr"),
         QStringLiteral("nostr keygen|pubkey|decode|encode|sign|verify|publish [ARGS...] [--key-file PATH]"),
         QStringLiteral("Nostr keys, NIP-19 entities, signed events; the secret key comes from --key-file PATH, "
                        "else $HOSTSTUDIO_NOSTR_KEY, else ~/.config/HostStudio/nostr.key (hoststudio nostr --help)"),
         &runNostrVerb},
        {QStringLiteral("ingest"), QStringLiteral("ingest list|create|show|activate|idle|delete [--name N] [--id ID]"),
         QStringLiteral("Cloudinary live streams of the configured account (hoststudio ingest --help)"),
         &runIngestVerb},
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
