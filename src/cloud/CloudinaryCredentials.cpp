// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/CloudinaryCredentials.hpp"

#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/SecretStore.hpp"
#include "hoststudio/core/Settings.hpp"

#include <QByteArray>

#include <algorithm>
#include <cctype>

namespace hoststudio::cloud {

namespace {

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
        text.remove_suffix(1);
    }
    return text;
}

bool isPrintableToken(std::string_view text)
{
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte > 0x20 && byte < 0x7f;
    });
}

} // namespace

core::Result<CloudinaryCredentials> CloudinaryCredentials::fromUrl(std::string_view url)
{
    url = trimmed(url);
    constexpr std::string_view scheme = "cloudinary://";
    const auto shapeError = [] {
        return core::Error{CloudErrc::notConfigured,
                           "CLOUDINARY_URL must look like cloudinary://API_KEY:API_SECRET@CLOUD_NAME"};
    };
    if (url.substr(0, scheme.size()) != scheme) {
        return shapeError();
    }
    const std::string_view rest = url.substr(scheme.size());
    const std::size_t at = rest.rfind('@');
    if (at == std::string_view::npos) {
        return shapeError();
    }
    const std::string_view userInfo = rest.substr(0, at);
    const std::size_t colon = userInfo.find(':');
    if (colon == std::string_view::npos) {
        return shapeError();
    }
    std::string_view cloud = rest.substr(at + 1);
    // Cloudinary's URLs may carry options after the cloud name (cloudinary://k:s@cloud?secure=true).
    cloud = cloud.substr(0, cloud.find_first_of("?/"));
    return fromParts(cloud, userInfo.substr(0, colon), userInfo.substr(colon + 1));
}

core::Result<CloudinaryCredentials>
CloudinaryCredentials::fromParts(std::string_view cloudName, std::string_view apiKey, std::string_view apiSecret)
{
    cloudName = trimmed(cloudName);
    apiKey = trimmed(apiKey);
    apiSecret = trimmed(apiSecret);
    if (cloudName.empty() || apiKey.empty() || apiSecret.empty()) {
        std::string missing;
        for (const auto& [name, value] :
             {std::pair{"cloud name", cloudName}, std::pair{"API key", apiKey}, std::pair{"API secret", apiSecret}}) {
            if (value.empty()) {
                missing += missing.empty() ? name : std::string(", ") + name;
            }
        }
        return core::Error{CloudErrc::notConfigured, "Cloudinary credentials are incomplete: missing " + missing};
    }
    if (!isPrintableToken(cloudName) || !isPrintableToken(apiKey) || !isPrintableToken(apiSecret) ||
        apiKey.find(':') != std::string_view::npos) {
        return core::Error{CloudErrc::notConfigured,
                           "Cloudinary credentials contain spaces or control characters: copy them again from "
                           "the Cloudinary console"};
    }
    CloudinaryCredentials credentials;
    credentials.cloudName_ = std::string(cloudName);
    credentials.apiKey_ = std::string(apiKey);
    credentials.apiSecret_ = std::string(apiSecret);
    core::SecretScrubber::registerSecret(credentials.apiSecret_);
    // The header carries the secret too, base64-encoded: never let that reach a log either.
    core::SecretScrubber::registerSecret(credentials.authorizationHeader().substr(sizeof("Basic ") - 1));
    return credentials;
}

core::Result<CloudinaryCredentials>
CloudinaryCredentials::fromPartsAndStore(std::string_view cloudName, std::string_view apiKey, core::SecretStore& store)
{
    cloudName = trimmed(cloudName);
    apiKey = trimmed(apiKey);
    if (cloudName.empty() || apiKey.empty()) {
        return core::Error{
            CloudErrc::notConfigured,
            std::string("Cloudinary credentials are incomplete: missing ") +
                (cloudName.empty() ? (apiKey.empty() ? "cloud name, API key" : "cloud name") : "API key") +
                " (set cloudinary/cloudName and cloudinary/apiKey in the settings)"};
    }
    auto secret = store.read(core::secretName::cloudinaryApiSecret);
    if (!secret) {
        return core::Error{CloudErrc::notConfigured,
                           "the Cloudinary API secret cannot be read from the " + store.backendName().toStdString() +
                               " (" + store.location().toStdString() + "): " + secret.error().detail()};
    }
    if (!secret->has_value()) {
        return core::Error{CloudErrc::notConfigured,
                           "Cloudinary credentials are incomplete: missing API secret (none is stored in the " +
                               store.backendName().toStdString() + ", " + store.location().toStdString() +
                               "; store it with: hoststudio secret set cloudinary/apiSecret)"};
    }
    auto credentials = fromParts(cloudName, apiKey, **secret);
    core::wipeSecret(**secret);
    return credentials;
}

core::Result<CloudinaryCredentials> CloudinaryCredentials::fromSettings(const core::Settings& settings,
                                                                        core::SecretStore& store)
{
    return fromPartsAndStore(settings.text(core::setting::cloudinaryCloudName).toStdString(),
                             settings.text(core::setting::cloudinaryApiKey).toStdString(), store);
}

std::string CloudinaryCredentials::authorizationHeader() const
{
    const QByteArray pair = QByteArray::fromStdString(apiKey_ + ":" + apiSecret_);
    return "Basic " + pair.toBase64().toStdString();
}

std::string CloudinaryCredentials::describe() const
{
    return "cloud " + cloudName_ + ", API key " + apiKey_ + ", API secret " + core::maskSecret(apiSecret_);
}

} // namespace hoststudio::cloud
