// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Cloudinary credentials: cloud name, API key and API secret, from Cloudinary's own
// CLOUDINARY_URL convention (cloudinary://API_KEY:API_SECRET@CLOUD_NAME) or from the three parts.
// The secret is registered with core::SecretScrubber as soon as it is held, so no log line can
// carry it; there is no accessor that returns it, only the Authorization header built from it.
//
// Thread safety: a value type.

#include "hoststudio/core/Result.hpp"

#include <string>
#include <string_view>

namespace hoststudio::cloud {

class CloudinaryCredentials {
public:
    // cloudinary://API_KEY:API_SECRET@CLOUD_NAME (surrounding blanks ignored).
    [[nodiscard]] static core::Result<CloudinaryCredentials> fromUrl(std::string_view url);
    [[nodiscard]] static core::Result<CloudinaryCredentials>
    fromParts(std::string_view cloudName, std::string_view apiKey, std::string_view apiSecret);

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
