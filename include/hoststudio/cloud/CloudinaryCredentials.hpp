// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Cloudinary credentials: cloud name, API key and API secret, from Cloudinary's own
// CLOUDINARY_URL convention (cloudinary://API_KEY:API_SECRET@CLOUD_NAME) or from the three parts.
// The secret is registered with core::SecretScrubber as soon as it is held, so no log line can
// carry it; there is no accessor that returns it, only the Authorization header built from it.
// The settings hold only the cloud name and the API key; the API secret comes from the secret store
// (the desktop keyring or the private secrets file, core/SecretStore.hpp) under
// "cloudinary/apiSecret" (`hoststudio secret set cloudinary/apiSecret`).
//
// Thread safety: a value type.

#include "hoststudio/core/Result.hpp"

namespace hoststudio::core {
class SecretStore;
class Settings;
} // namespace hoststudio::core

#include <string>
#include <string_view>

namespace hoststudio::cloud {

class CloudinaryCredentials {
public:
    // cloudinary://API_KEY:API_SECRET@CLOUD_NAME (surrounding blanks ignored).
    [[nodiscard]] static core::Result<CloudinaryCredentials> fromUrl(std::string_view url);
    [[nodiscard]] static core::Result<CloudinaryCredentials>
    fromParts(std::string_view cloudName, std::string_view apiKey, std::string_view apiSecret);
    // Cloud name and API key as given, the API secret read from `store` ("cloudinary/apiSecret").
    // A store that cannot be read, or holds no secret, is an error that says how to store one.
    // Same thread rule as the store (a keyring store: the main thread).
    [[nodiscard]] static core::Result<CloudinaryCredentials>
    fromPartsAndStore(std::string_view cloudName, std::string_view apiKey, core::SecretStore& store);
    // Cloud name and API key from the settings (cloudinary/cloudName, cloudinary/apiKey), the secret
    // from `store`.
    [[nodiscard]] static core::Result<CloudinaryCredentials> fromSettings(const core::Settings& settings,
                                                                          core::SecretStore& store);

    [[nodiscard]] const std::string& cloudName() const noexcept { return cloudName_; }
    [[nodiscard]] const std::string& apiKey() const noexcept { return apiKey_; }
    // "Basic base64(api_key:api_secret)".
    [[nodiscard]] std::string authorizationHeader() const;
    // For logs and the UI: cloud name and key, the secret masked.
    [[nodiscard]] std::string describe() const;

private:
    CloudinaryCredentials() = default;

    std::string cloudName_;
    std::string apiKey_;
    std::string apiSecret_;
};

} // namespace hoststudio::cloud
