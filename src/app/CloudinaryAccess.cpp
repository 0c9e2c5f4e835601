// SPDX-License-Identifier: GPL-2.0-or-later
#include "CloudinaryAccess.hpp"

#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/core/SecretStore.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/net/Url.hpp"

#include <cstdlib>

namespace hoststudio::app {

namespace {

// The local stand-in's test account (tests/peers/cloudinary-fake.mjs).
constexpr const char* kStandInCloud = "demo";
constexpr const char* kStandInApiKey = "123456789012345";
constexpr const char* kStandInApiSecret = "local-fake-secret";

std::string environment(const char* name)
{
    const char* value = std::getenv(name); // NOLINT(concurrency-mt-unsafe): read before threads start
    return value != nullptr ? std::string(value) : std::string();
}

} // namespace

core::Result<cloud::CloudinaryCredentials> cloudinaryCredentialsFor(const core::Settings& settings,
                                                                    const std::string& apiBaseUrl, QTextStream& err,
                                                                    const QString& commandName)
{
    if (const std::string url = environment("CLOUDINARY_URL"); !url.empty()) {
        return cloud::CloudinaryCredentials::fromUrl(url);
    }
    std::string cloudName = environment("CLOUDINARY_CLOUD_NAME");
    std::string apiKey = environment("CLOUDINARY_API_KEY");
    const std::string apiSecret = environment("CLOUDINARY_API_SECRET");
    if (cloudName.empty()) {
        cloudName = settings.text(core::setting::cloudinaryCloudName).toStdString();
    }
    if (apiKey.empty()) {
        apiKey = settings.text(core::setting::cloudinaryApiKey).toStdString();
    }
    if (apiSecret.empty() && !cloudName.empty() && !apiKey.empty()) {
        // The usual desktop set-up: cloud name and key in the settings, the secret in the store.
        auto store = core::SecretStore::open(core::SecretStoreOptions::fromSettings(settings));
        if (!store) {
            return core::Error{cloud::CloudErrc::notConfigured,
                               "the Cloudinary API secret cannot be read: " + store.error().detail() +
                                   " (or give it in CLOUDINARY_API_SECRET)"};
        }
        auto credentials = cloud::CloudinaryCredentials::fromPartsAndStore(cloudName, apiKey, *store);
        if (!credentials) {
            return core::Error{credentials.error().code(),
                               credentials.error().detail() + " (or give it in CLOUDINARY_API_SECRET)"};
        }
        return credentials;
    }
    if (!cloudName.empty() || !apiKey.empty() || !apiSecret.empty()) {
        auto credentials = cloud::CloudinaryCredentials::fromParts(cloudName, apiKey, apiSecret);
        if (!credentials && apiSecret.empty()) {
            return core::Error{credentials.error().code(),
                               credentials.error().detail() +
                                   " (give the API secret in CLOUDINARY_API_SECRET or store it with `hoststudio secret "
                                   "set cloudinary/apiSecret`, or everything in CLOUDINARY_URL)"};
        }
        return credentials;
    }
    const auto base = net::Url::parse(apiBaseUrl);
    if (base && base->isLoopback()) {
        err << commandName << ": no Cloudinary credentials configured; using the local stand-in's test account at "
            << QString::fromStdString(apiBaseUrl) << Qt::endl;
        return cloud::CloudinaryCredentials::fromParts(kStandInCloud, kStandInApiKey, kStandInApiSecret);
    }
    return core::Error{cloud::CloudErrc::notConfigured,
                       "Cloudinary is not configured: set CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME "
                       "(from the Cloudinary console), or cloudinary/cloudName and cloudinary/apiKey in the settings "
                       "with the API secret stored by `hoststudio secret set cloudinary/apiSecret` (or in "
                       "CLOUDINARY_API_SECRET)"};
}

} // namespace hoststudio::app
