// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The Cloudinary account the commands use: CLOUDINARY_URL, else CLOUDINARY_CLOUD_NAME /
// CLOUDINARY_API_KEY / CLOUDINARY_API_SECRET (cloud name and key may come from the settings; without
// CLOUDINARY_API_SECRET the secret comes from the secret store, "cloudinary/apiSecret"), else — only
// when the API base URL is on this machine (the local stack's stand-in) — the stand-in's test
// account, said on `err`.

#include "hoststudio/cloud/CloudinaryCredentials.hpp"
#include "hoststudio/core/Result.hpp"

#include <QTextStream>

#include <string>

namespace hoststudio::core {
class Settings;
}

namespace hoststudio::app {

[[nodiscard]] core::Result<cloud::CloudinaryCredentials> cloudinaryCredentialsFor(const core::Settings& settings,
                                                                                  const std::string& apiBaseUrl,
                                                                                  QTextStream& err,
                                                                                  const QString& commandName);

} // namespace hoststudio::app
